package keystore

import "path/filepath"

// AnswersFile keeps the last non-secret answers of the wizard.
const AnswersFile = "answers.json"

// Answers are the non-secret answers remembered for the next run.
type Answers struct {
	BaseURL     string `json:"baseUrl,omitempty"`
	Connector   string `json:"connector,omitempty"`
	ClientID    string `json:"clientId,omitempty"`
	CallbackURL string `json:"callbackUrl,omitempty"`
}

// SaveAnswers keeps the answers for the next run.
func (s *Store) SaveAnswers(a Answers) error {
	if err := ensureDir(s.Dir); err != nil {
		return err
	}
	return writeJSON(filepath.Join(s.Dir, AnswersFile), a, FileMode)
}

// LoadAnswers returns the last answers; none is not an error.
func (s *Store) LoadAnswers() (Answers, error) {
	var a Answers
	err := readJSON(filepath.Join(s.Dir, AnswersFile), &a)
	return a, err
}
