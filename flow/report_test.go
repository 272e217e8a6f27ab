package flow

import (
	"errors"
	"path/filepath"
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

func TestReportForAmbiguousAndLost(t *testing.T) {
	c := Created{Saved: keystore.Saved{Entry: keystore.Entry{Name: "drive", BaseURL: "https://a.test/api"}}}
	if got := c.ReportFor("connectwiz token", true).TokenCommand; got != "connectwiz token --base-url 'https://a.test/api' drive" {
		t.Fatalf("ambiguous: %q", got)
	}
	if got := c.ReportFor("connectwiz token", false).TokenCommand; got != "connectwiz token drive" {
		t.Fatalf("plain: %q", got)
	}
	if c.Report("x").AnswerLost != "" {
		t.Fatal("a lost answer is reported that was not lost")
	}
	if c.AnswerLost = errors.New("lost"); c.Report("x").AnswerLost == "" {
		t.Fatal("the lost answer is not reported")
	}
}

func TestNameIsAmbiguous(t *testing.T) {
	st := &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	s := &Session{Store: st}
	for _, base := range []string{"https://a.test/api", "https://b.test/api"} {
		if _, err := st.Save(keystore.Entry{Name: "both", ID: base, BaseURL: base}, "tok", true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Save(keystore.Entry{Name: "one", ID: "1", BaseURL: "https://a.test/api"}, "tok", true); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"both": true, "one": false, "none": false} {
		if got := s.NameIsAmbiguous(name); got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
}
