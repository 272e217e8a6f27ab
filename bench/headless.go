package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/connectwiz/connectwiz/flow/sandbox"
)

// headlessBench measures the headless create against the curl sequence
// and against the Go floor of the same three calls, on one sandbox,
// alternating.
func headlessBench(cw, httpFloor string, sb *sandbox.Running, dir string, reps int) ([]result, error) {
	var headless, curlSeq, goSeq []float64
	for i := 0; i < reps; i++ {
		d, err := headlessCreate(cw, sb, filepath.Join(dir, fmt.Sprint("cfg-headless-", i)), i)
		if err != nil {
			return nil, err
		}
		headless = append(headless, ms(d))
		d, err = curlSequence(cw, sb, i)
		if err != nil {
			return nil, err
		}
		curlSeq = append(curlSeq, ms(d))
		d, err = goSequence(httpFloor, sb, i)
		if err != nil {
			return nil, err
		}
		goSeq = append(goSeq, ms(d))
	}
	return []result{
		{name: "headless create (authorize, consent, create)", unit: "ms", ours: median(headless), base: median(curlSeq), baseName: "curl sequence", budget: 1.0},
		{name: "headless create, against the same three calls in one Go process", unit: "ms", ours: median(headless), base: median(goSeq), baseName: "Go floor (bench/httpfloor)", budget: 1.5, why: whyHeadless},
	}, nil
}

func headlessCreate(bin string, sb *sandbox.Running, cfg string, i int) (time.Duration, error) {
	cmd := exec.Command(bin, "create", "--no-input", "--insecure-storage", "--name", fmt.Sprint("bench-headless-", i))
	cmd.Env = append(append(os.Environ(), sandboxEnv(sb, cfg)...), "BROWSER="+bin+" sandbox consent")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("headless create: %v\n%s", err, out)
	}
	return time.Since(start), nil
}

// curlScript is the platform document's manual sequence: curl for the
// authorize URL, the consent helper (as the person in the browser, copying
// the redirect), curl for the create.
const curlScript = `set -eu
json=$(curl -sf "$BASE/your_moms/onedrivebusiness/oauth/url?apiKey=$CID&apiSecret=$CSECRET&callbackUrl=http%3A%2F%2F127.0.0.1%3A8750%2Fcallback&state=bench")
url=$(printf '%s' "$json" | sed -e 's/.*"oauthUrl":"\([^"]*\)".*/\1/' -e 's/\\u0026/\&/g')
redirect=$($HELPER sandbox consent --print-redirect "$url")
code=$(printf '%s' "$redirect" | sed -e 's/.*[?&]code=\([^&]*\).*/\1/')
curl -sf -X POST -H "Authorization: User $USECRET, Organization $OSECRET" -H 'Content-Type: application/json' \
  -d "{\"your_mom\":{\"key\":\"onedrivebusiness\"},\"providerData\":{\"code\":\"$code\"},\"configuration\":{\"oauth.api.key\":\"$CID\",\"oauth.api.secret\":\"$CSECRET\",\"oauth.callback.url\":\"http://127.0.0.1:8750/callback\"},\"tags\":[],\"name\":\"$NAME\"}" \
  "$BASE/instances" >/dev/null
`

// goSequence times bench/httpfloor: the three calls in one Go process.
func goSequence(bin string, sb *sandbox.Running, i int) (time.Duration, error) {
	c := sb.Credentials("")
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "BASE="+c.BaseURL, "CID="+c.ClientID, "CSECRET="+c.ClientSecret.Reveal(),
		"USECRET="+c.UserSecret.Reveal(), "OSECRET="+c.OrgSecret.Reveal(), fmt.Sprint("NAME=bench-go-", i))
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("go sequence: %v\n%s", err, out)
	}
	return time.Since(start), nil
}

func curlSequence(helper string, sb *sandbox.Running, i int) (time.Duration, error) {
	c := sb.Credentials("")
	cmd := exec.Command("bash", "-c", curlScript)
	cmd.Env = append(os.Environ(), "BASE="+c.BaseURL, "CID="+c.ClientID, "CSECRET="+c.ClientSecret.Reveal(),
		"USECRET="+c.UserSecret.Reveal(), "OSECRET="+c.OrgSecret.Reveal(), "HELPER="+helper, fmt.Sprint("NAME=bench-curl-", i))
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("curl sequence: %v\n%s", err, out)
	}
	return time.Since(start), nil
}

// onlyBench measures one group of rows alone (-only).
func onlyBench(only, cw, floor, httpFloor, dir string, reps, entries int) ([]result, error) {
	switch only {
	case "keychain":
		rs, _, err := keychainBench(cw, filepath.Join(dir, "cfg-list"), entries, reps)
		return rs, err
	case "status":
		return statusBench(cw, dir, reps)
	case "first":
		r, err := firstScreenBench(cw, floor, dir, reps)
		return []result{r}, err
	}
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{})
	if err != nil {
		return nil, err
	}
	defer func() { _ = sb.Close() }()
	return headlessBench(cw, httpFloor, sb, dir, reps)
}
