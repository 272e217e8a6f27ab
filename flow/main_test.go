package flow_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

func TestMain(m *testing.M) {
	// The browser's private forwarding files (browser.RunFiles) go to a
	// directory of the tests' own.
	dir, err := os.MkdirTemp("", "connectwiz-flow-test-")
	if err != nil {
		panic(err)
	}
	browser.RunFiles.Base = dir
	testkit.VerifyNoLeaks(m, goleak.Cleanup(func(int) { _ = os.RemoveAll(dir) }))
}
