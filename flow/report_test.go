package flow

import (
	"reflect"
	"testing"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

func TestCreatedReport(t *testing.T) {
	c := Created{Saved: keystore.Saved{
		Entry:       keystore.Entry{Name: "my drive", ID: "42", Connector: "onedrivebusiness", Storage: keystore.InFile},
		Warning:     "the token is stored UNENCRYPTED",
		RenamedFrom: "drive",
	}}
	r := c.Report("connectwiz token")
	want := []ReportRow{{"Name", "my drive"}, {"ID", "42"}, {"Connector", "onedrivebusiness"}, {"Token", "in " + c.Saved.Where()}}
	if r.Title != "Instance created" || !reflect.DeepEqual(r.Rows, want) || r.Warning != c.Saved.Warning {
		t.Fatalf("%+v", r)
	}
	if r.TokenCommand != "connectwiz token 'my drive'" {
		t.Fatalf("token command %q", r.TokenCommand)
	}
	if r.Renamed != `The name "drive" was taken meanwhile (another create, or a recovered one): this instance is kept as "my drive".` {
		t.Fatalf("renamed %q", r.Renamed)
	}
	if c.Saved.RenamedFrom = ""; c.Report("x").Renamed != "" {
		t.Fatal("a rename is reported that did not happen")
	}
}

func TestNewInstanceRequest(t *testing.T) {
	c := Credentials{Connector: "k", ClientID: "id", ClientSecret: "cs", UserSecret: "u"}
	got := NewInstanceRequest(c, "code", "http://127.0.0.1:1/cb", "n", []string{"t"}, map[string]string{"a": "b"})
	want := platform.InstanceRequest{Connector: "k", Code: "code", ClientID: "id", ClientSecret: "cs", CallbackURL: "http://127.0.0.1:1/cb", Name: "n", Tags: []string{"t"}, Extra: map[string]string{"a": "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v", got)
	}
}
