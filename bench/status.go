package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/keystore"
)

// statusInstances is how many instances the status row asks about.
const statusInstances = 100

// statusBench measures connectwiz status of statusInstances instances on
// one sandbox platform, and status of one instance against curl's GET of
// the same instance.
func statusBench(cw, dir string, reps int) ([]result, error) {
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{})
	if err != nil {
		return nil, err
	}
	defer func() { _ = sb.Close() }()
	cfg := filepath.Join(dir, "cfg-status")
	st := &keystore.Store{Dir: cfg}
	var ids []int64
	for i := 0; i < statusInstances; i++ {
		in := sb.Put(sandbox.Instance{Name: fmt.Sprintf("bench-status-%03d", i), Connector: "onedrivebusiness"})
		e := keystore.Entry{Name: in.Name, ID: fmt.Sprint(in.ID), Connector: in.Connector, BaseURL: sb.BaseURL}
		if _, err := st.Save(e, in.Token, true); err != nil {
			return nil, fmt.Errorf("saving entry %d: %w", i, err)
		}
		ids = append(ids, in.ID)
	}
	env := sandboxEnv(sb, cfg)
	status := func(want int, args ...string) (time.Duration, error) {
		d, out, err := timed(cw, append([]string{"status"}, args...), env)
		if err != nil {
			return 0, err
		}
		lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if len(lines) != want {
			return 0, fmt.Errorf("connectwiz status printed %d lines for %d instances", len(lines), want)
		}
		for _, l := range lines {
			if f := strings.Split(l, "\t"); len(f) < 8 || f[3] != "there" || f[7] != "matches" {
				return 0, fmt.Errorf("connectwiz status: %q", l)
			}
		}
		return d, nil
	}
	c := sb.Credentials("")
	one := statusInstances / 2
	curl := func() (time.Duration, error) {
		cmd := exec.Command("curl", "-sf", "-o", "/dev/null", "-H", "Authorization: User "+c.UserSecret.Reveal()+", Organization "+c.OrgSecret.Reveal(),
			fmt.Sprintf("%s/instances/%d", sb.BaseURL, ids[one]))
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, fmt.Errorf("curl: %v\n%s", err, out)
		}
		return time.Since(start), nil
	}
	var all, single, curls []float64
	for i := -1; i < reps; i++ { // the first run of each warms the caches
		d, err := status(statusInstances)
		if err != nil {
			return nil, err
		}
		s, err := status(1, fmt.Sprintf("bench-status-%03d", one))
		if err != nil {
			return nil, err
		}
		k, err := curl()
		if err != nil {
			return nil, err
		}
		if i >= 0 {
			all, single, curls = append(all, ms(d)), append(single, ms(s)), append(curls, ms(k))
		}
	}
	return []result{
		{name: fmt.Sprintf("`connectwiz status`, %d instances on one platform (sandbox), piped", statusInstances), unit: "ms", ours: median(all), budget: 1000, absolute: true},
		{name: "`connectwiz status NAME`, one instance", unit: "ms", ours: median(single), base: median(curls), baseName: "`curl` GET /instances/{id}", budget: 1.2, why: whyStatusOne},
	}, nil
}
