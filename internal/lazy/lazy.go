// Package lazy holds values made on first use rather than at start-up: a
// package-level regexp compiled in init costs every command's start-up
// (allocations and page faults) whether the command uses it or not.
package lazy

import (
	"regexp"
	"sync"
)

// Regexp returns a function that compiles expr on its first call (and
// panics then if it is not valid, as regexp.MustCompile does) and returns
// the same *regexp.Regexp on every call, safe for concurrent use.
func Regexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
