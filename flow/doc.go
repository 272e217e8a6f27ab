// Package flow is the Session: the one flow of a connectwiz run — saved
// answers, remembered secrets, authorize, create, recover — that the wizard,
// the line prompts and the headless mode all call, each step one method.
// It holds the order of the steps and the rules that hold whichever
// front-end asks, and acts through packages that each hold one thing:
//
//   - flow/platform: the platform client (calls, wire types, errors, the
//     curl view, what a platform URL is);
//   - flow/callback: the loopback callback (the one loopback rule, the
//     listener, its pages, the one-time browser link, pasted redirects);
//   - flow/browser: the browser opener and its URL check;
//   - flow/termsafe: making untrusted text safe for a terminal, OSC 52;
//   - flow/secret: the Secret type and the one rule for secret keys;
//   - flow/sandbox: the embedded platform and OAuth provider.
//
// flow knows nothing of Bubble Tea and prints nothing: the front-ends and
// cli say what happened. The platform's wire spellings of its connector
// resource are constants in flow/platform (wire.go).
package flow
