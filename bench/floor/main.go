// Command floor is the benchmark's floor: the same stack as connectwiz
// (Bubble Tea, huh, lipgloss, go-keyring linked) showing one masked input
// and nothing else. What connectwiz costs above it is connectwiz's own.
package main

import (
	"fmt"
	"os"

	"github.com/charmbracelet/huh"
	"github.com/zalando/go-keyring"
)

func main() {
	if os.Getenv("FLOOR_KEYRING") != "" { // links go-keyring as connectwiz does
		_, _ = keyring.Get("floor", "probe")
	}
	var secret string
	err := huh.NewForm(huh.NewGroup(
		huh.NewInput().Title("User secret").EchoMode(huh.EchoModePassword).Value(&secret),
	)).Run()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
