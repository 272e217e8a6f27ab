package cli_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/connectwiz/connectwiz/cli"
	"github.com/connectwiz/connectwiz/cli/iostreams"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// statusEnv names where a connectwiz run started by a script records its
// exit status for the script's `status` command: "PID:FILE", written only
// by a direct child of the test process PID (not by the BROWSER that
// connectwiz itself starts, which is connectwiz too).
const statusEnv = "CONNECTWIZ_TEST_STATUS"

// TestMain registers the real command with testscript: the scripts' `exec
// connectwiz` (and the pseudo-terminal tests) run this test binary as
// connectwiz, found first on PATH. The tests' run fails if they leave
// goroutines behind.
func TestMain(m *testing.M) {
	testscript.Main(testkit.NoLeaks(m), map[string]func(){
		"connectwiz": func() {
			code := cli.Main(os.Args[1:], iostreams.System(), os.Getenv)
			recordStatus(code)
			os.Exit(code)
		},
	})
}

// recordStatus writes the exit status where statusEnv says, when this run
// is a script's own.
func recordStatus(code int) {
	pid, file, ok := strings.Cut(os.Getenv(statusEnv), ":")
	if !ok || pid != strconv.Itoa(os.Getppid()) {
		return
	}
	tmp := file + ".tmp"
	if os.WriteFile(tmp, []byte(strconv.Itoa(code)), 0o600) == nil {
		_ = os.Rename(tmp, file)
	}
}

// TestScripts runs testdata/script/*.txtar: user sessions of the real
// command against an in-process sandbox platform.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup:               setupScript,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"sandbox":   cmdSandbox,
			"instances": cmdInstances,
			"cmptoken":  cmdCmpToken,
			"oauthurl":  cmdOAuthURL,
			"nosecrets": cmdNoSecrets,
			"status":    cmdStatus,
			"signal":    cmdSignal,
			"await":     cmdAwait,
			"creating":  cmdCreating,
			"glob":      cmdGlob,
			"extract":   cmdExtract,
			"dial":      cmdDial,
			"mode":      cmdMode,
			"put":       cmdPut,
			"createdid": cmdCreatedID,
		},
	})
}

// scriptState is what a script's custom commands share.
type scriptState struct {
	sb *scriptSandbox
	// put are the ids of the instances 'put' added.
	put map[int64]bool
}

type stateKey struct{}

func state(ts *testscript.TestScript) *scriptState {
	return ts.Value(stateKey{}).(*scriptState)
}

// setupScript gives each script its own config dir, a short keychain
// timeout, CI's throwaway Secret Service or else none (testkit.ChildBus:
// never the developer's keyring, never an autolaunched one) and the exit
// status file.
func setupScript(env *testscript.Env) error {
	env.Values[stateKey{}] = &scriptState{}
	bus := testkit.ChildBus(env.WorkDir)
	env.Setenv("CONNECTWIZ_CONFIG_DIR", filepath.Join(env.WorkDir, "config"))
	env.Setenv("CONNECTWIZ_KEYRING_TIMEOUT", "3s")
	env.Setenv("DBUS_SESSION_BUS_ADDRESS", bus)
	env.Setenv(statusEnv, strconv.Itoa(os.Getpid())+":"+filepath.Join(env.WorkDir, ".status"))
	env.Setenv("GORACE", goRace())
	return nil
}

// goRace is GORACE for the command's runs: under -race, a race-enabled
// binary sleeps a second at exit (atexit_sleep_ms) unless told otherwise,
// a second each connectwiz run of every script would wait.
func goRace() string {
	v := os.Getenv("GORACE")
	if strings.Contains(v, "atexit_sleep_ms") {
		return v
	}
	return strings.TrimSpace(v + " atexit_sleep_ms=10")
}

// awaitFor bounds every wait of a script command.
const awaitFor = 20 * time.Second

// cmdSandbox starts a sandbox platform on a loopback port for the rest of
// the script and points connectwiz at it through the environment.
//
//	sandbox [--require-config KEY]... [--create-delay D] [--fail-create N] [--fail-status S] [--drop-create]
//	        [--lose-create N] [--lose-status S] [--rename] [--form-post] [--fail-lists-after-create N]
//	        [--user-secret S] [--org-secret S] [--client-id S] [--client-secret S]
func cmdSandbox(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! sandbox")
	}
	st := state(ts)
	if st.sb != nil {
		ts.Fatalf("a sandbox is already running")
	}
	var o sandbox.Options
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.Func("require-config", "a configuration entry every create must carry", func(s string) error {
		o.RequireConfig = append(o.RequireConfig, s)
		return nil
	})
	fs.DurationVar(&o.CreateDelay, "create-delay", 0, "delay every create's answer")
	fs.IntVar(&o.FailCreate, "fail-create", 0, "the first N creates answer 502")
	fs.BoolVar(&o.DropCreate, "drop-create", false, "create, then drop the connection")
	fs.IntVar(&o.FailStatus, "fail-status", 0, "the status of --fail-create")
	fs.IntVar(&o.LoseCreates, "lose-create", 0, "the first N creates are made, then answered with a gateway's page")
	fs.IntVar(&o.LoseStatus, "lose-status", 0, "the status of --lose-create")
	fs.BoolVar(&o.Rename, "rename", false, "suffix each instance's name")
	fs.BoolVar(&o.FormPost, "form-post", false, "answer the consent by form_post")
	fs.IntVar(&o.FailListsAfterCreate, "fail-lists-after-create", 0, "the N listings after each create answer 500")
	fs.StringVar(&o.UserSecret, "user-secret", "", "")
	fs.StringVar(&o.OrgSecret, "org-secret", "", "")
	fs.StringVar(&o.ClientID, "client-id", "", "")
	fs.StringVar(&o.ClientSecret, "client-secret", "", "")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		ts.Fatalf("usage: sandbox [flags] (%v)", err)
	}
	sb, err := startScriptSandbox(o)
	ts.Check(err)
	ts.Defer(func() { _ = sb.srv.Close() })
	st.sb = sb
	so := sb.Options()
	ts.Setenv("CONNECTWIZ_BASE_URL", sb.BaseURL)
	ts.Setenv(platform.EnvUserSecret, so.UserSecret)
	ts.Setenv(platform.EnvOrgSecret, so.OrgSecret)
	ts.Setenv("CONNECTWIZ_CLIENT_ID", so.ClientID)
	ts.Setenv(platform.EnvClientSecret, so.ClientSecret)
}

// scriptSandbox is a sandbox served on a loopback port that also tells
// when a create has fully arrived, and finishes every create it received
// even if the client is gone (as a platform would: the scenario of a
// connectwiz killed while its create is in flight).
type scriptSandbox struct {
	*sandbox.Server
	BaseURL string
	srv     *http.Server
	// creates receives a value for each create request fully received.
	creates chan struct{}
}

func startScriptSandbox(o sandbox.Options) (*scriptSandbox, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sb := &scriptSandbox{Server: sandbox.New(o), BaseURL: "http://" + ln.Addr().String() + sandbox.APIPath, creates: make(chan struct{}, 100)}
	sb.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == sandbox.APIPath+"/instances" {
			body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			r = r.WithContext(context.WithoutCancel(r.Context()))
			r.Body = io.NopCloser(bytes.NewReader(body))
			select {
			case sb.creates <- struct{}{}:
			default: // nobody awaits this many creates
			}
		}
		sb.ServeHTTP(w, r)
	})}
	go func() { _ = sb.srv.Serve(ln) }()
	return sb, nil
}

func running(ts *testscript.TestScript) *scriptSandbox {
	sb := state(ts).sb
	if sb == nil {
		ts.Fatalf("no sandbox: run 'sandbox' first")
	}
	return sb
}

// cmdInstances checks the sandbox holds exactly N instances and prints
// them, one "name tags=a,b" line each, for stdout to match. With -wait it
// waits (bounded) for the count: a create the sandbox finishes late.
//
//	instances [-wait] N
func cmdInstances(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! instances")
	}
	wait := len(args) == 2 && args[0] == "-wait"
	if wait {
		args = args[1:]
	}
	want, err := strconv.Atoi(strings.Join(args, " "))
	if err != nil {
		ts.Fatalf("usage: instances [-wait] N")
	}
	sb := running(ts)
	deadline := time.Now().Add(awaitFor)
	list := sb.Instances()
	for wait && len(list) != want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		list = sb.Instances()
	}
	for _, in := range list {
		fmt.Fprintf(ts.Stdout(), "%s tags=%s\n", in.Name, strings.Join(in.Tags, ","))
	}
	if len(list) != want {
		ts.Fatalf("the sandbox holds %d instances, want %d", len(list), want)
	}
}

// cmdCmpToken checks the last command printed exactly the token the
// sandbox issued to the instance named NAME, or NAME (N) as a sandbox
// with --rename stores it (and a newline).
//
//	cmptoken NAME
func cmdCmpToken(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: cmptoken NAME")
	}
	var found []string
	for _, in := range running(ts).Instances() {
		if in.Name == args[0] || strings.HasPrefix(in.Name, args[0]+" (") {
			found = append(found, in.Token)
		}
	}
	if len(found) != 1 {
		ts.Fatalf("the sandbox holds %d instances named %q, want 1", len(found), args[0])
	}
	if got := ts.ReadFile("stdout"); got != found[0]+"\n" {
		ts.Fatalf("stdout is not the sandbox's token of %q (%d bytes, want %d)", args[0], len(got), len(found[0])+1)
	}
}

// cmdOAuthURL asks the sandbox platform for an authorize URL with this
// callback URL, as the manual flow's first curl call does, and prints it.
//
//	oauthurl CALLBACK_URL
func cmdOAuthURL(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: oauthurl CALLBACK_URL")
	}
	sb := running(ts)
	o := sb.Options()
	u, err := platform.NewClient(sb.BaseURL, secret.Secret(o.UserSecret), secret.Secret(o.OrgSecret), "script").AuthURL(context.Background(), platform.AuthURLRequest{
		Connector: platform.DefaultConnector, ClientID: o.ClientID, ClientSecret: secret.Secret(o.ClientSecret),
		CallbackURL: args[0], State: callback.NewState(),
	})
	ts.Check(err)
	fmt.Fprintln(ts.Stdout(), u)
}

// cmdNoSecrets scans stdout, stderr, files and directories (walked; but
// the token fallback file, whose job is to hold tokens) for every secret
// the sandbox knows: its credentials, every code it issued, every token
// and secret configuration entry of its instances, and each -secret given.
// It prints what it scanned, for stdout to check the scan was not empty.
//
//	nosecrets [-secret S]... stdout|stderr|PATH...
func cmdNoSecrets(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! nosecrets")
	}
	sb := running(ts)
	so := sb.Options()
	needles := []string{so.UserSecret, so.OrgSecret, so.ClientSecret}
	for len(args) >= 2 && args[0] == "-secret" {
		needles = append(needles, args[1])
		args = args[2:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: nosecrets [-secret S]... stdout|stderr|PATH...")
	}
	codes := sb.IssuedCodes()
	needles = append(needles, codes...)
	insts := sb.Instances()
	for _, in := range insts {
		needles = append(needles, in.Token)
		for k, v := range in.Config {
			if strings.Contains(k, "secret") || strings.Contains(k, "token") {
				needles = append(needles, v)
			}
		}
	}
	texts := map[string]string{}
	for _, a := range args {
		if a == "stdout" || a == "stderr" {
			texts[a] = ts.ReadFile(a)
			continue
		}
		root := ts.MkAbs(a)
		ts.Check(filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() == keystore.TokensFile && p != root {
				return err
			}
			b, err := os.ReadFile(p)
			texts[p] = string(b)
			return err
		}))
	}
	var leaks []string
	for where, text := range texts {
		for _, n := range needles {
			if n != "" && strings.Contains(text, n) {
				leaks = append(leaks, fmt.Sprintf("%s contains a secret (%.6s…)", where, n))
			}
		}
	}
	sort.Strings(leaks)
	if len(leaks) > 0 {
		ts.Fatalf("%s", strings.Join(leaks, "\n"))
	}
	fmt.Fprintf(ts.Stdout(), "scanned %d outputs and files for %d secrets: %d codes, %d instances\n", len(texts), len(needles), len(codes), len(insts))
}

// cmdStatus checks the exit status of the script's last connectwiz run
// (foreground, or background after wait), and forgets it.
//
//	status N
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: status N")
	}
	_, file, _ := strings.Cut(ts.Getenv(statusEnv), ":")
	b, err := os.ReadFile(file)
	if err != nil {
		ts.Fatalf("no connectwiz exit status recorded: %v", err)
	}
	_ = os.Remove(file)
	if got := string(b); got != args[0] {
		ts.Fatalf("connectwiz exited %s, want %s", got, args[0])
	}
}

// cmdSignal sends a signal to every command running in the background.
//
//	signal INT|TERM|HUP|KILL
func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	sigs := map[string]syscall.Signal{"INT": syscall.SIGINT, "TERM": syscall.SIGTERM, "HUP": syscall.SIGHUP, "KILL": syscall.SIGKILL}
	if neg || len(args) != 1 || sigs[args[0]] == 0 {
		ts.Fatalf("usage: signal INT|TERM|HUP|KILL")
	}
	cmds := ts.BackgroundCmds()
	if len(cmds) == 0 {
		ts.Fatalf("no command runs in the background")
	}
	for _, c := range cmds {
		ts.Check(c.Process.Signal(sigs[args[0]]))
	}
}

// cmdAwait waits (bounded) until a file matching GLOB exists and, with
// REGEXP, until its content matches.
//
//	await GLOB [REGEXP]
func cmdAwait(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: await GLOB [REGEXP]")
	}
	var re *regexp.Regexp
	if len(args) == 2 {
		re = regexp.MustCompile(args[1])
	}
	deadline := time.Now().Add(awaitFor)
	for {
		files, err := filepath.Glob(ts.MkAbs(args[0]))
		ts.Check(err)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err == nil && (re == nil || re.Match(b)) {
				return
			}
		}
		if time.Now().After(deadline) {
			ts.Fatalf("after %s, no file %s matches %v", awaitFor, args[0], re)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cmdCreating waits (bounded) until a create request not awaited yet has
// fully reached the sandbox: the create is in flight.
//
//	creating
func cmdCreating(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: creating")
	}
	select {
	case <-running(ts).creates:
	case <-time.After(awaitFor):
		ts.Fatalf("after %s, no create has reached the sandbox", awaitFor)
	}
}

// cmdGlob prints the files matching GLOB; it fails if there is none (with
// !, if there is any).
//
//	[!] glob GLOB
func cmdGlob(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: glob GLOB")
	}
	files, err := filepath.Glob(ts.MkAbs(args[0]))
	ts.Check(err)
	for _, f := range files {
		fmt.Fprintln(ts.Stdout(), f)
	}
	switch {
	case neg && len(files) > 0:
		ts.Fatalf("%d files match %s", len(files), args[0])
	case !neg && len(files) == 0:
		ts.Fatalf("no file matches %s", args[0])
	}
}

// cmdExtract sets VAR to the first group of REGEXP in FILE (stdout and
// stderr included) and prints it, so that `stdin stdout` can feed it on.
//
//	extract VAR FILE REGEXP
func cmdExtract(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: extract VAR FILE REGEXP")
	}
	m := regexp.MustCompile(args[2]).FindStringSubmatch(ts.ReadFile(args[1]))
	if len(m) < 2 {
		ts.Fatalf("%s does not match %s", args[1], args[2])
	}
	ts.Setenv(args[0], m[1])
	fmt.Fprintln(ts.Stdout(), m[1])
}

// cmdDial checks something accepts TCP connections on ADDR (with !, that
// nothing does).
//
//	[!] dial ADDR
func cmdDial(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: dial HOST:PORT")
	}
	c, err := net.DialTimeout("tcp", args[0], 2*time.Second)
	if err == nil {
		_ = c.Close()
	}
	switch {
	case neg && err == nil:
		ts.Fatalf("%s still accepts connections", args[0])
	case !neg && err != nil:
		ts.Fatalf("dial %s: %v", args[0], err)
	case neg && !errors.Is(err, syscall.ECONNREFUSED):
		ts.Fatalf("dial %s: %v (want connection refused)", args[0], err)
	}
}

// cmdMode checks a file's permission bits.
//
//	mode PERM FILE
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mode PERM FILE")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	ts.Check(err)
	st, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	if got := st.Mode().Perm(); got != os.FileMode(want) {
		ts.Fatalf("%s has mode %#o, want %#o", args[1], got, want)
	}
}
