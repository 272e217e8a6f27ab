package keystore

// Location is where a token is kept. The index records Keychain or File;
// a probe (Store.Locate) can also find it Missing, or not know (Unknown).
type Location string

// The places a token can be.
const (
	InKeychain Location = "keychain"
	InFile     Location = "file"
	Missing    Location = "missing"
	Unknown    Location = "unknown"
)

// String implements fmt.Stringer.
func (l Location) String() string { return string(l) }

// Describe says where the token is, in words for the user.
func (l Location) Describe() string {
	switch l {
	case InKeychain:
		return "the OS keychain"
	case InFile:
		return "an unencrypted file"
	case Missing:
		return "neither the keychain nor the file (missing)"
	case Unknown:
	}
	return "an unknown place (the keychain did not answer)"
}
