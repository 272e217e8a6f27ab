package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// typed is what the user types at the accessible prompts, a line each.
func typed(lines ...string) io.Reader { return strings.NewReader(strings.Join(lines, "\n") + "\n") }

// The whole accessible run on the embedded sandbox, in-process: the
// consent approved here, extra configuration, the review, the create.
func TestAccessibleSandboxCreate(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	f.IO.In = typed("", "", "a11y", "site.address=https://contoso", "", "")
	f.IO.SetTTY(true, true)
	if code := run(t, context.Background(), f, "create", "--sandbox", "--accessible", "--name", "a11y", "--callback-url", "http://127.0.0.1:0/callback"); code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	testkit.InOrder(t, errOut.String(), "Ready with these credentials:", "Platform URL", "Connector", "OAuth client ID", "Callback URL",
		"Continue with these? [Y/n]", "The sandbox's consent was approved here", "Instance name [a11y]:", "Tags", "Extra configuration",
		"This is the request about to be sent:", "site.address = https://contoso", "Create it? [Y/n]")
	if !strings.Contains(out.String(), "Instance created") || !strings.Contains(out.String(), "connectwiz token --sandbox a11y") {
		t.Fatalf("stdout:\n%s", out)
	}
	e, err := f.store.SandboxStore().Find("a11y", "")
	if err != nil || strings.Join(e.Tags, ",") != "a11y" {
		t.Fatalf("the sandbox's store holds %+v, %v", e, err)
	}
}

// Against a platform: a refused secret is asked again alone, a taken name
// offers the free one, and the missing configuration is asked and the
// create resent, without starting over.
func TestAccessibleRecoversFromRefusals(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{RequireConfig: []string{"site.address"}})
	c := sb.Credentials("http://127.0.0.1:0/callback")
	f, out, errOut := testFactory(t, map[string]string{
		"CONNECTWIZ_BASE_URL": c.BaseURL, "CONNECTWIZ_CLIENT_ID": c.ClientID, "CONNECTWIZ_CALLBACK_URL": c.CallbackURL,
		platform.EnvUserSecret: "wrong", platform.EnvOrgSecret: c.OrgSecret.Reveal(), platform.EnvClientSecret: c.ClientSecret.Reveal(),
	})
	f.Browser = consentBrowser{}
	if _, err := f.store.Save(keystore.Entry{Name: "drive", ID: "1", BaseURL: c.BaseURL}, "old-token", true); err != nil {
		t.Fatal(err)
	}
	f.IO.In = typed("", "n", c.UserSecret.Reveal(), "", "", "", "", "", "", "https://contoso")
	f.IO.SetTTY(true, true)
	if code := run(t, context.Background(), f, "create", "--accessible", "--insecure-storage", "--name", "drive"); code != exitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	testkit.InOrder(t, errOut.String(), "Remember the secrets", "401", "User secret, refused by the platform",
		"Organization secret, refused by the platform", "Open this URL", "Instance name [drive]:",
		`An instance named "drive" already exists`, "Instance name [drive-2]:", "Create it?",
		"needs more configuration for this connector: site.address.", "site.address:")
	if strings.Count(errOut.String(), "Platform URL") != 1 {
		t.Fatalf("the platform URL was asked again:\n%s", errOut)
	}
	insts := sb.Instances()
	if len(insts) != 1 || insts[0].Name != "drive-2" || insts[0].Config["site.address"] != "https://contoso" {
		t.Fatalf("the sandbox holds %+v", insts)
	}
	if !strings.Contains(out.String(), "connectwiz token drive-2") {
		t.Fatalf("stdout:\n%s", out)
	}
}

// ctrl+c at a prompt waiting for a line ends the run at once: 130.
func TestAccessibleInterruptedAtPrompt(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	r, w := io.Pipe()
	defer func() { _ = w.Close() }() // ends the read the prompt was left in
	f.IO.In = r
	f.IO.SetTTY(true, true)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(t, ctx, f, "create", "--sandbox", "--accessible", "--callback-url", "http://127.0.0.1:0/callback")
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errOut.String(), "Continue with these? [Y/n]") {
		if time.Now().After(deadline) {
			t.Fatalf("no prompt:\n%s", errOut)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitInterrupted || !strings.Contains(errOut.String(), "interrupted; nothing was created") {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the interrupt waited for the prompt")
	}
}
