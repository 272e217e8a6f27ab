package lazy

import "testing"

func TestRegexpCompilesOnceOnFirstUse(t *testing.T) {
	re := Regexp(`^a+$`)
	first := re()
	if !first.MatchString("aaa") || first.MatchString("b") {
		t.Fatal("the regexp does not match as compiled")
	}
	if re() != first {
		t.Fatal("a second call compiled the regexp again")
	}
}

func TestRegexpPanicsOnUseNotOnDeclaration(t *testing.T) {
	re := Regexp(`(`) // declaring an invalid expression does not panic
	defer func() {
		if recover() == nil {
			t.Fatal("using an invalid expression did not panic")
		}
	}()
	re()
}
