package ui

import "testing"

// TestStepTable checks that every step is defined, and that its handlers
// fit what it is: a form step acts on its completed form, a step without
// one on keys or not at all, and every drawn step has a view or a form.
func TestStepTable(t *testing.T) {
	for s := range numSteps {
		info := steps[s]
		if info.name == "" {
			t.Errorf("step %d is not defined (define it in its phase file's init)", s)
			continue
		}
		if info.form != (info.done != nil) {
			t.Errorf("%s: form is %v but done is set: %v", s, info.form, info.done != nil)
		}
		if info.form && info.key != nil {
			t.Errorf("%s: a form step gets its keys through its form, not key", s)
		}
		if info.phase > 0 && info.view == nil && !info.form {
			t.Errorf("%s: drawn in phase %d with neither a view nor a form", s, info.phase)
		}
		if info.phase > len(phases) {
			t.Errorf("%s: phase %d of %d", s, info.phase, len(phases))
		}
	}
}
