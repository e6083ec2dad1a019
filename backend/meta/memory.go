package meta

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// maxAliases bounds the strings kept per correspondent; the oldest go
// first.
const maxAliases = 32

// Memory keeps the correspondents a person confirmed and the strings each
// appeared as, so Extract recognises them next time. The zero value is
// ready. It is not safe for concurrent use; the caller guards it (the
// library keeps one per user and stores its JSON).
type Memory struct {
	list []Correspondent
}

// memoryJSON is Memory's stored form; version lets it change later.
type memoryJSON struct {
	Version        int             `json:"version"`
	Correspondents []Correspondent `json:"correspondents"`
}

// Index prepares the confirmed correspondents for Options.Known.
func (m *Memory) Index() *Index { return NewIndex(m.list) }

// Known gives a copy of the confirmed correspondents.
func (m *Memory) Known() []Correspondent {
	out := make([]Correspondent, len(m.list))
	for i, c := range m.list {
		out[i] = Correspondent{Name: c.Name, Aliases: append([]string(nil), c.Aliases...)}
	}
	return out
}

// Confirm records that the document with this text (read with opt, whose
// Known is ignored) comes from name. The name is added if new (names that
// fold alike are one correspondent); what the text showed as its sender
// (the guess Extract made: a letterhead line, an e-mail display name, an
// e-mail domain) is kept as an alias. It returns an error for an empty
// name.
func (m *Memory) Confirm(name, text string, opt Options) error {
	name = strings.TrimSpace(name)
	if fold(name) == "" {
		return fmt.Errorf("a correspondent needs a name with letters or digits, not %q", name)
	}
	i := m.index(name)
	if i < 0 {
		m.list = append(m.list, Correspondent{Name: name})
		i = len(m.list) - 1
	}
	opt.Known = nil
	d := newDoc(text, opt)
	// A guess becomes an alias when it was a strong one (an e-mail sender,
	// a company line) or shares a word with the name: a weak guess that
	// does not (the reader's own name on the first line) would teach a
	// wrong match.
	if g := d.correspondent(); g != nil && (g.Confidence >= 0.6 || sharesWord(g.Name, name)) {
		m.addAlias(i, g.Seen)
		if g.Seen != g.Name {
			m.addAlias(i, g.Name)
		}
	}
	if _, addr, _ := d.mailFrom(); addr != "" {
		if dom := domainOf(addr); dom != "" && !commonMailDomain(dom) {
			m.addAlias(i, "@"+dom)
		}
	}
	return nil
}

// Rename changes a correspondent's shown name, keeping the old one as an
// alias. It returns an error if from is unknown.
func (m *Memory) Rename(from, to string) error {
	i := m.index(from)
	if i < 0 {
		return fmt.Errorf("no correspondent named %q", from)
	}
	if fold(to) == "" {
		return fmt.Errorf("a correspondent needs a name with letters or digits, not %q", to)
	}
	old := m.list[i].Name
	m.list[i].Name = strings.TrimSpace(to)
	m.addAlias(i, old)
	return nil
}

// Merge folds correspondent from into into: its name and aliases become
// into's aliases. It returns an error if either is unknown.
func (m *Memory) Merge(from, into string) error {
	fi, ii := m.index(from), m.index(into)
	if fi < 0 {
		return fmt.Errorf("no correspondent named %q", from)
	}
	if ii < 0 {
		return fmt.Errorf("no correspondent named %q", into)
	}
	if fi == ii {
		return nil
	}
	src := m.list[fi]
	m.addAlias(ii, src.Name)
	for _, a := range src.Aliases {
		m.addAlias(ii, a)
	}
	m.list = append(m.list[:fi], m.list[fi+1:]...)
	return nil
}

// Forget drops a correspondent; unknown names are ignored.
func (m *Memory) Forget(name string) {
	if i := m.index(name); i >= 0 {
		m.list = append(m.list[:i], m.list[i+1:]...)
	}
}

// index finds a correspondent by a name that folds alike, -1 if none.
func (m *Memory) index(name string) int {
	f := fold(name)
	for i, c := range m.list {
		if fold(c.Name) == f {
			return i
		}
	}
	return -1
}

// addAlias keeps s as a way correspondent i appears, unless it is empty,
// the name itself, already kept, or a guess too long to be a name.
func (m *Memory) addAlias(i int, s string) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 80 {
		return
	}
	c := &m.list[i]
	if !strings.HasPrefix(s, "@") {
		f := fold(s)
		if f == "" || f == fold(c.Name) {
			return
		}
		for _, a := range c.Aliases {
			if fold(a) == f {
				return
			}
		}
	} else {
		for _, a := range c.Aliases {
			if strings.EqualFold(a, s) {
				return
			}
		}
	}
	c.Aliases = append(c.Aliases, s)
	if len(c.Aliases) > maxAliases {
		c.Aliases = c.Aliases[len(c.Aliases)-maxAliases:]
	}
}

// commonMailDomain tells the big free mail providers, whose domain says
// nothing about who wrote.
func commonMailDomain(dom string) bool {
	switch strings.ToLower(dom) {
	case "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com",
		"gmx.de", "gmx.net", "web.de", "t-online.de", "orange.fr", "free.fr", "laposte.net", "wanadoo.fr",
		"libero.it", "virgilio.it", "alice.it", "ziggo.nl", "kpnmail.nl", "telefonica.net", "proton.me", "protonmail.com":
		return true
	}
	return false
}

// MarshalJSON stores the memory with a version number.
func (m *Memory) MarshalJSON() ([]byte, error) {
	list := m.Known()
	sort.SliceStable(list, func(i, j int) bool { return strings.ToLower(list[i].Name) < strings.ToLower(list[j].Name) })
	return json.Marshal(memoryJSON{Version: 1, Correspondents: list})
}

// UnmarshalJSON reads what MarshalJSON wrote; an unknown version or a
// nameless correspondent is an error.
func (m *Memory) UnmarshalJSON(b []byte) error {
	var v memoryJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("read correspondent memory: %w", err)
	}
	if v.Version != 1 {
		return fmt.Errorf("read correspondent memory: version %d is not one this build knows (1)", v.Version)
	}
	for _, c := range v.Correspondents {
		if fold(c.Name) == "" {
			return fmt.Errorf("read correspondent memory: a correspondent has no name")
		}
	}
	m.list = v.Correspondents
	return nil
}

// sharesWord reports whether two names share a word of three letters or
// more, company forms aside.
func sharesWord(a, b string) bool {
	words := map[string]bool{}
	for _, w := range strings.Fields(core(fold(a))) {
		if len(w) >= 3 {
			words[w] = true
		}
	}
	for _, w := range strings.Fields(core(fold(b))) {
		if words[w] {
			return true
		}
	}
	return false
}
