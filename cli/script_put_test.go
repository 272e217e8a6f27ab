package cli_test

import (
	"fmt"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
)

// cmdPut adds an instance of the default connector named NAME to the
// sandbox, as a colleague's create made now would.
//
//	put NAME
func cmdPut(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: put NAME")
	}
	st := state(ts)
	in := running(ts).Put(sandbox.Instance{Name: args[0], Connector: platform.DefaultConnector, Tags: []string{}})
	if st.put == nil {
		st.put = map[int64]bool{}
	}
	st.put[in.ID] = true
}

// cmdCreatedID sets the environment variable VAR to the id of the one
// instance a create (not 'put') made.
//
//	createdid VAR
func cmdCreatedID(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: createdid VAR")
	}
	var ids []int64
	for _, in := range running(ts).Instances() {
		if !state(ts).put[in.ID] {
			ids = append(ids, in.ID)
		}
	}
	if len(ids) != 1 {
		ts.Fatalf("%d instances made by creates, want 1", len(ids))
	}
	ts.Setenv(args[0], fmt.Sprint(ids[0]))
}
