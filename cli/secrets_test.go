package cli

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

func TestSecretsForget(t *testing.T) {
	const base = "https://p.example/api"
	setup := func(t *testing.T) (*Factory, *lockedBuffer, *lockedBuffer, *testkit.Keychain) {
		f, out, errOut := testFactory(t, nil)
		mem := testkit.NewKeychain()
		f.store.Keychain = &keystore.Keychain{Backend: mem, Timeout: time.Second}
		return f, out, errOut, mem
	}
	t.Run("remembered", func(t *testing.T) {
		f, out, errOut, mem := setup(t)
		if err := f.store.Remember(base, keystore.Secrets{UserSecret: "u", OrgSecret: "o", ClientSecret: "c"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.store.Save(keystore.Entry{Name: "d", ID: "1", BaseURL: base}, "tok", false); err != nil {
			t.Fatal(err)
		}
		if code := run(t, context.Background(), f, "secrets", "forget", "--base-url", base+"/"); code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out.String(), "Removed the secrets remembered for "+base) {
			t.Fatalf("stdout: %s", out)
		}
		if _, err := f.store.Remembered(base); !errors.Is(err, keystore.ErrNotFound) {
			t.Fatalf("still remembered: %v", err)
		}
		if tok, _, err := f.store.Token("d", ""); err != nil || tok != "tok" || mem.Len() != 1 {
			t.Fatalf("the instance's token was touched: %q %v", tok, err)
		}
	})
	t.Run("nothing remembered", func(t *testing.T) {
		f, out, errOut, _ := setup(t)
		if _, err := f.store.Save(keystore.Entry{Name: "d", ID: "1", BaseURL: "https://other.example/api"}, "tok", false); err != nil {
			t.Fatal(err)
		}
		if code := run(t, context.Background(), f, "secrets", "forget", "--base-url", base); code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out.String(), "No secrets were remembered for "+base+"; nothing was removed.") {
			t.Fatalf("stdout: %s", out)
		}
		if !strings.Contains(errOut.String(), "https://other.example/api") || !strings.Contains(errOut.String(), "--base-url") {
			t.Fatalf("no hint at the index's platforms: %s", errOut)
		}
	})
	t.Run("no keychain here", func(t *testing.T) {
		f, out, errOut, _ := setup(t)
		f.store.Keychain.Off = keystore.ErrNoSession
		if code := run(t, context.Background(), f, "secrets", "forget", "--base-url", base); code != exitError {
			t.Fatalf("exit %d, want 1: %s %s", code, out, errOut)
		}
		if !strings.Contains(errOut.String(), "nothing was removed") || !strings.Contains(errOut.String(), "no D-Bus session") || !strings.Contains(errOut.String(), "connectwiz doctor") {
			t.Fatalf("stderr: %s", errOut)
		}
	})
	t.Run("unknown subcommand", func(t *testing.T) {
		f, _, _, _ := setup(t)
		if code := run(t, context.Background(), f, "secrets", "list"); code != exitUsage {
			t.Fatalf("exit %d, want 2", code)
		}
	})
}
