package keystore_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/gofrs/flock"
	"go.uber.org/goleak"
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
	goleak.VerifyTestMain(m,
		// go-keyring's D-Bus session connection lives as long as the process.
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).inWorker"),
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).outWorker"),
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*unixTransport).ReadMessage"),
		goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.newConn.func1"),
	)
}
