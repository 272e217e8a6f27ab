package keystore_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/gofrs/flock"

	"github.com/connectwiz/connectwiz/internal/testkit"
)

func TestMain(m *testing.M) {
	if path := os.Getenv("CONNECTWIZ_TEST_HOLD_LOCK"); path != "" {
		// A helper process that takes the store's lock and waits to be killed.
		l := flock.New(path)
		if err := l.Lock(); err != nil {
			panic(err)
		}
		fmt.Println("locked")
		select {}
	}
	testkit.VerifyNoLeaks(m)
}
