// Package flow is everything connectwiz does that is not drawing: the
// Session that the wizard, the accessible prompts and the headless mode all
// call (authorize, create, recover, remembered secrets, saved answers), the
// platform client, the loopback callback listener, browser opening and the
// parsing of pasted redirects, configuration entries and tags.
//
// flow knows nothing of Bubble Tea. The platform's wire spellings of its
// connector resource live in wire.go and nowhere else.
package flow
