package ui

import "github.com/charmbracelet/bubbles/key"

// keyMap holds every key the wizard answers to outside its forms.
type keyMap struct {
	Quit        key.Binding
	Back        key.Binding
	Continue    key.Binding
	Edit        key.Binding
	Open        key.Binding
	OpenReal    key.Binding
	Approve     key.Binding
	Copy        key.Binding
	Paste       key.Binding
	Retry       key.Binding
	Create      key.Binding
	Curl        key.Binding
	Replace     key.Binding
	Recover     key.Binding
	Reauthorize key.Binding
	Exit        key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Quit:        key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:        key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Continue:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "continue")),
		Edit:        key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open browser")),
		OpenReal:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open browser")),
		Approve:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "approve here")),
		Copy:        key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy URL")),
		Paste:       key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste redirect")),
		Retry:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "retry")),
		Create:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "create")),
		Curl:        key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "curl")),
		Replace:     key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "replace")),
		Recover:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "recover now")),
		Reauthorize: key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "authorize again")),
		Exit:        key.NewBinding(key.WithKeys("enter", "q"), key.WithHelp("enter", "exit")),
	}
}
