package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/termsafe"
	"github.com/connectwiz/connectwiz/keystore"
)

// DoctorOptions are the flags of doctor.
type DoctorOptions struct {
	Ctx         context.Context
	JSON        bool
	BaseURL     string
	CallbackURL string
}

func newCmdDoctor(f *Factory, runF func(*DoctorOptions) error) *cobra.Command {
	o := &DoctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the keychain, callback port, platform and browser; say what to fix",
		Long: `Check what a create needs — the keychain, the token file, the callback
port, the platform and its secrets (naming a proxy's refusal or an
untrusted certificate as such), SSL_CERT_FILE and SSL_CERT_DIR when set,
the browser, the config dir's permissions and pending creates — one line each, with the fix for each
problem. The keychain is probed with a throwaway entry, deleted at once;
the callback port is bound and released at once. Exit status 1 when
something needs fixing.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return runDoctor(f, o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print a JSON array of {check, status, detail, fix}")
	cmd.Flags().StringVar(&o.BaseURL, "base-url", "", "the platform to check (env CONNECTWIZ_BASE_URL; default the last run's, else "+platform.DefaultBaseURL+")")
	cmd.Flags().StringVar(&o.CallbackURL, "callback-url", "", "the callback URL whose port to check (env CONNECTWIZ_CALLBACK_URL; default the last run's, else "+platform.DefaultCallbackURL+")")
	return cmd
}

// checkStatus is a check's outcome.
type checkStatus string

// The check outcomes; only a problem makes doctor exit 1.
const (
	statusOK      checkStatus = "ok"
	statusProblem checkStatus = "problem"
	statusWarning checkStatus = "warning"
	statusSkipped checkStatus = "skipped"
)

// checkResult is one line of doctor's report (one element of --json).
type checkResult struct {
	Check  string      `json:"check"`
	Status checkStatus `json:"status"`
	Detail string      `json:"detail"`
	Fix    string      `json:"fix"`
}

// The checks, in the order they are reported.
const (
	checkKeychain = "keychain"
	checkFile     = "token file"
	checkPort     = "callback port"
	checkPlatform = "platform"
	checkCerts    = "certificates"
	checkBrowser  = "browser"
	checkDir      = "config dir"
	checkPending  = "pending creates"
)

// platformTimeout bounds doctor's one platform call.
const platformTimeout = 10 * time.Second

func runDoctor(f *Factory, o *DoctorOptions) error {
	s, err := f.Session(nil)
	if err != nil {
		return err
	}
	creds := f.Env.Credentials(flow.Credentials{BaseURL: o.BaseURL, CallbackURL: o.CallbackURL}, s.SavedAnswers())
	base, err := platform.NormalizeBaseURL(creds.BaseURL)
	if err != nil {
		return usagef("%v", err)
	}
	st := s.Store
	results := []checkResult{
		doctorKeychain(st),
		doctorTokenFile(st),
		doctorPort(creds.CallbackURL),
		doctorPlatform(o.Ctx, f, s, base),
		doctorCerts(f.Env.SSLCertFile, f.Env.SSLCertDir),
		doctorBrowser(f.opener()),
		doctorDir(st),
		doctorPending(st),
	}
	if o.JSON {
		err = writeJSON(f.IO.Out, results)
	} else {
		err = writeChecks(f.IO.Out, results)
	}
	if err != nil {
		return err
	}
	if n := countStatus(results, statusProblem); n > 0 {
		return fmt.Errorf("%d %s to fix (see the fixes above); run 'connectwiz doctor' again afterwards", n, plural(n, "problem", "problems"))
	}
	return nil
}

// writeChecks writes one line per check — a mark and the status in words
// (for screen readers), the check and what was found — and the fix
// indented below it.
func writeChecks(w io.Writer, results []checkResult) error {
	marks := map[checkStatus]string{statusOK: "✓", statusProblem: "✗", statusWarning: "!", statusSkipped: "-"}
	var b strings.Builder
	for _, r := range results {
		fmt.Fprintf(&b, "%s %-8s %s: %s\n", marks[r.Status], r.Status, r.Check, r.Detail)
		switch {
		case r.Fix == "":
		case r.Status == statusSkipped:
			fmt.Fprintf(&b, "           to check: %s\n", r.Fix)
		default:
			fmt.Fprintf(&b, "           fix: %s\n", r.Fix)
		}
	}
	p, wn := countStatus(results, statusProblem), countStatus(results, statusWarning)
	switch {
	case p == 0 && wn == 0:
		b.WriteString("Everything checked is fine.\n")
	case p == 0:
		fmt.Fprintf(&b, "No problems; %d %s worth reading.\n", wn, plural(wn, "warning", "warnings"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func countStatus(results []checkResult, s checkStatus) int {
	n := 0
	for _, r := range results {
		if r.Status == s {
			n++
		}
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// res is one check's result.
func res(check string, status checkStatus, detail, fix string) checkResult {
	return checkResult{Check: check, Status: status, Detail: detail, Fix: fix}
}

// doctorKeychain asks the store to write, read back and delete a
// throwaway entry; the words for what went wrong are the store's.
func doctorKeychain(st *keystore.Store) checkResult {
	took, err := st.ProbeKeychain()
	switch {
	case errors.Is(err, keystore.ErrNoKeychain):
		return res(checkKeychain, statusSkipped, "not checked: "+err.Error(), "")
	case err == nil:
		return res(checkKeychain, statusOK, fmt.Sprintf("available (a throwaway entry was written, read back and deleted in %s)", took), "")
	}
	p := keystore.Classify(err)
	detail := "not working: " + p.Why()
	switch p {
	case keystore.ProblemNoSession, keystore.ProblemTimeout:
	default:
		detail += " (" + err.Error() + ")"
	}
	fix := p.Fix()
	if fix == "" {
		fix = "check that the OS keychain runs and is unlocked"
	}
	return res(checkKeychain, statusProblem, detail+"; new tokens go to the unencrypted 0600 file", fix)
}

// doctorTokenFile says whether tokens are kept in the file fallback.
func doctorTokenFile(st *keystore.Store) checkResult {
	path := st.TokensPath()
	entries, err := st.Entries()
	if err != nil {
		return res(checkFile, statusProblem, err.Error(), "move the damaged index aside and run 'connectwiz recover'")
	}
	var inFile []string
	count := map[string]int{}
	for _, e := range entries {
		if e.Storage == keystore.InFile {
			who := fmt.Sprintf("%q on %s", displayEntry(e).Name, keystore.Host(displayEntry(e).BaseURL))
			if count[who] == 0 {
				inFile = append(inFile, who)
			}
			count[who]++
		}
	}
	for i, who := range inFile {
		if n := count[who]; n > 1 {
			inFile[i] = fmt.Sprintf("%s (%d entries)", who, n)
		}
	}
	if n := len(inFile); n > 0 {
		n = 0
		for _, c := range count {
			n += c
		}
		return res(checkFile, statusWarning, fmt.Sprintf("in use: %d %s kept unencrypted in %s (mode 0600): %s", n, plural(n, "token is", "tokens are"), path, strings.Join(inFile, ", ")),
			"nothing urgent: the file is readable only by you; once the keychain works, new tokens go there (to move one: create the instance again first, then 'connectwiz forget OLD-NAME --remote')")
	}
	if _, err := os.Stat(path); err == nil {
		return res(checkFile, statusOK, "not in use: "+path+" exists but holds no token of an instance in the index", "")
	}
	return res(checkFile, statusOK, "not in use: no token is kept in a file", "")
}

// doctorPort binds the callback URL's loopback address and releases it at
// once.
func doctorPort(callbackURL string) checkResult {
	if !callback.IsLoopback(callbackURL) {
		return res(checkPort, statusSkipped, "not checked: the callback URL "+termsafe.Sanitize(callbackURL, 200)+" is not a plain-http loopback URL, so nothing listens for it here (you paste the redirected URL instead)", "")
	}
	u, _ := url.Parse(callbackURL)
	if u.Port() == "0" {
		return res(checkPort, statusOK, "the callback URL asks for any free port (0): one is picked on each run", "")
	}
	addr, err := callback.ProbeCallback(callbackURL)
	switch {
	case err == nil:
		return res(checkPort, statusOK, addr+" is free (for "+callbackURL+")", "")
	case errors.Is(err, callback.ErrPortInUse):
		_, port, _ := net.SplitHostPort(addr)
		return res(checkPort, statusProblem, addr+" is in use by another program (another connectwiz waiting for its browser?)",
			fmt.Sprintf("stop the program listening there (find it with: %s), or use another port with --callback-url http://%s:PORT%s (it must match a redirect URI registered with the provider)", findListener(port), u.Hostname(), u.EscapedPath()))
	}
	return res(checkPort, statusProblem, err.Error(), "use another loopback callback URL with --callback-url (one registered with the provider)")
}

// noBrowserFix is what to do when no browser can be opened.
const noBrowserFix = "do nothing: the URL is always printed, to open in a browser anywhere (paste the redirected URL back if it cannot reach this machine)"

// doctorBrowser checks that a browser can be opened: it asks the opener
// itself which program it would start (browser.Browser.Resolve).
func doctorBrowser(o flow.Opener) checkResult {
	b, ok := o.(browser.Browser)
	if !ok {
		return res(checkBrowser, statusSkipped, "not checked: a custom browser opener is in use", "")
	}
	prog, err := b.Resolve()
	switch {
	case err == nil:
		return res(checkBrowser, statusOK, "opens with "+prog, "")
	case errors.Is(err, browser.ErrNoDisplay):
		return res(checkBrowser, statusWarning, "no display (DISPLAY and WAYLAND_DISPLAY are unset, as over SSH): no browser can be opened here",
			"set $BROWSER to a browser that works here (e.g. a text browser), or "+noBrowserFix)
	}
	return res(checkBrowser, statusWarning, err.Error(), "install xdg-utils, or set $BROWSER to a browser command; "+noBrowserFix)
}

// maxListed is how many loose paths doctor names one by one.
const maxListed = 5

// doctorDir asks the store which of its directories and files others
// can read.
func doctorDir(st *keystore.Store) checkResult {
	loose, err := st.LooseModes()
	dir := st.Dir
	switch {
	case errors.Is(err, keystore.ErrModesNotUsed):
		return res(checkDir, statusSkipped, "not checked here: "+dir+": "+err.Error(), "")
	case err != nil:
		return res(checkDir, statusProblem, "cannot read "+dir+": "+err.Error(), "check the directory's owner and permissions: ls -la "+platform.ShellQuote(dir))
	case len(loose) == 0:
		return res(checkDir, statusOK, fmt.Sprintf("%s is %04o and its files %04o (or it does not exist yet)", dir, keystore.DirMode, keystore.FileMode), "")
	case len(loose) > maxListed:
		loose = append(loose[:maxListed:maxListed], fmt.Sprintf("and %d more", len(loose)-maxListed))
	}
	return res(checkDir, statusProblem, fmt.Sprintf("readable by others (directories should be %04o, files %04o): %s", keystore.DirMode, keystore.FileMode, strings.Join(loose, ", ")), "chmod -R go= "+platform.ShellQuote(dir))
}

// doctorPending counts the creates whose answer was lost.
func doctorPending(st *keystore.Store) checkResult {
	pending, err := st.PendingCreates()
	if err != nil {
		return res(checkPending, statusProblem, "cannot read the pending records: "+err.Error(),
			"move the damaged record out of "+st.PendingPath()+" and run 'connectwiz recover'")
	}
	var lost, running []string
	for _, p := range pending {
		if p.InFlight() {
			running = append(running, fmt.Sprintf("%q (pid %d)", p.Name, p.PID))
		} else {
			lost = append(lost, fmt.Sprintf("%q on %s", p.Name, keystore.Host(p.BaseURL)))
		}
	}
	switch {
	case len(lost) > 0:
		return res(checkPending, statusProblem, fmt.Sprintf("%d %s whose answer was lost: %s (the instance may exist, its token not stored)", len(lost), plural(len(lost), "create", "creates"), strings.Join(lost, ", ")),
			"run 'connectwiz recover' (it stores the token of an instance that exists and never creates one)")
	case len(running) > 0:
		return res(checkPending, statusWarning, fmt.Sprintf("%d %s still running in another connectwiz: %s", len(running), plural(len(running), "create", "creates"), strings.Join(running, ", ")),
			"let it finish; if it was killed, run 'connectwiz recover' afterwards")
	}
	return res(checkPending, statusOK, "none", "")
}

// findListener is a command that shows which program listens on port.
func findListener(port string) string {
	switch runtime.GOOS {
	case "windows":
		return "netstat -ano | findstr :" + port
	case "linux":
		return "ss -ltnp 'sport = :" + port + "'"
	}
	return "lsof -nP -iTCP:" + port + " -sTCP:LISTEN"
}
