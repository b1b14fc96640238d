package model

// Text is a string from a packet, written to JSON with every character
// Printable escapes also escaped here (C0, DEL, C1, invisible and
// disputed-width characters as \uXXXX, above U+FFFF as a surrogate pair;
// invalid UTF-8 as \ufffd), so no raw control byte or hidden character
// reaches a terminal that prints the JSON, while the value stays exact for
// programs.
type Text string

// MarshalJSON implements json.Marshaler. encoding/json then HTML-escapes
// <, > and & as it does for every string; the result is appendText's.
func (t Text) MarshalJSON() ([]byte, error) {
	return appendText(make([]byte, 0, len(t)+2), t), nil
}
