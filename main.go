// Command connectwiz provisions a connector instance on the unified-API
// platform and keeps its token in the OS keychain. The commands live in
// package cli.
package main

import (
	"os"

	"github.com/connectwiz/connectwiz/cli"
	"github.com/connectwiz/connectwiz/cli/iostreams"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], iostreams.System(), os.Getenv))
}
