package model

import "fmt"

// Concentration is the one line a group gets when its second level shows
// where its failures come from: every failure has one value of the second
// key, no flow with that value succeeded in the group, and flows with other
// values did. That is usually the answer ("this client stack fails against
// this server, others work"); it states counts, not a cause. ok is false
// when the failures do not concentrate so (or there are fewer than two).
func (g *Group) Concentration(key2 GroupKey) (line string, ok bool) {
	if g.Failures < 2 {
		return "", false
	}
	for i := range g.Sub {
		s := &g.Sub[i]
		if s.Failures != g.Failures {
			continue
		}
		if successes(s) > 0 {
			return "", false
		}
		others := successes(g)
		if others == 0 {
			return "", false
		}
		all := fmt.Sprintf("all %d failures", g.Failures)
		if g.Failures == 2 {
			all = "both failures"
		}
		rest := fmt.Sprintf("the %d successful flows have", others)
		if others == 1 {
			rest = "the one successful flow has"
		}
		return fmt.Sprintf("%s have %s %s, which never succeeded here (%d flows); %s another",
			all, key2, GroupKeyText(s.Key[len(s.Key)-1]), s.Flows, rest) + " " + string(key2), true
	}
	return "", false
}

// Contrast is the second key a group by k is checked against for
// Concentration: the client's JA4 first section for what names a server
// side, the server for what names a client.
func (k GroupKey) Contrast() GroupKey {
	switch k {
	case ByClient, ByClientNet, ByJA4, ByJA4a:
		return ByServer
	}
	return ByJA4a
}

// successes counts the flows whose handshake completed.
func successes(g *Group) int { return g.Count(OK) + g.Count(Resumed) }
