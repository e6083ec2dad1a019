package classify

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// The reasons of a topic are words of the text that the topic's evidence
// holds: its name, its description, the documents filed under it.
func TestBuiltinReasonsAreTheTopicsWords(t *testing.T) {
	b := NewBuiltin()
	topics := []Topic{
		{ID: "inv", Name: "Invoices", Description: "bills to pay, amounts and VAT"},
		{ID: "rec", Name: "Recipes", Description: "cooking, ingredients and ovens"},
	}
	learn := []struct{ id, topic, text string }{
		{"d1", "inv", "Invoice 2024-17: amount due 120 EUR, VAT 20%, payable within 30 days to account IBAN."},
		{"d2", "inv", "Second invoice: the amount due includes VAT; payment by bank transfer."},
		{"d3", "rec", "Preheat the oven. Mix flour, sugar and eggs; bake the cake for 40 minutes."},
		{"d4", "rec", "Soup recipe: onions, carrots and stock; simmer, then season with pepper."},
	}
	for _, l := range learn {
		b.Learn(Example{DocumentID: l.id, Text: l.text, Topics: []string{l.topic}})
	}
	text := "Invoice for the garden work: amount due 300 EUR including VAT, payment within 14 days."
	res, err := b.Classify(context.Background(), text, topics)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Topics) == 0 || res.Topics[0].TopicID != "inv" {
		t.Fatalf("topics = %+v, want invoices first", res.Topics)
	}
	reasons := res.Topics[0].Reasons
	if len(reasons) == 0 || len(reasons) > MaxReasons {
		t.Fatalf("reasons = %q, want 1..%d words", reasons, MaxReasons)
	}
	textToks := tokens(text)
	for _, r := range reasons {
		for _, w := range strings.Fields(r) {
			if !slices.Contains(textToks, w) {
				t.Errorf("reason %q: %q is not a word of the text %q", r, w, textToks)
			}
		}
	}
	invoiceWords := tokens(topics[0].Name + " " + topics[0].Description + " " + learn[0].text + " " + learn[1].text)
	recipeWords := tokens(topics[1].Name + " " + topics[1].Description + " " + learn[2].text + " " + learn[3].text)
	for _, r := range reasons {
		for _, w := range strings.Fields(r) {
			if !slices.Contains(invoiceWords, w) {
				t.Errorf("reason %q: %q is not in the invoices' evidence", r, w)
			}
			if slices.Contains(recipeWords, w) && !slices.Contains(invoiceWords, w) {
				t.Errorf("reason %q: %q is a recipe word", r, w)
			}
		}
	}
	if !slices.Contains(reasons, "invoice") && !slices.Contains(reasons, "vat") {
		t.Errorf("reasons = %q, want invoice or vat among them", reasons)
	}
}

// A term every topic uses alike is no reason for any of them.
func TestBuiltinReasonsSkipSharedWords(t *testing.T) {
	b := NewBuiltin()
	topics := []Topic{{ID: "a", Name: "Apples"}, {ID: "p", Name: "Pears"}}
	for i, l := range []struct{ topic, text string }{
		{"a", "apples report fruit orchard"}, {"a", "apples report crunchy"},
		{"p", "pears report fruit orchard"}, {"p", "pears report juicy"},
	} {
		b.Learn(Example{DocumentID: string(rune('0' + i)), Text: l.text, Topics: []string{l.topic}})
	}
	res, err := b.Classify(context.Background(), "report: apples, crunchy apples from the orchard", topics)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Topics) == 0 || res.Topics[0].TopicID != "a" {
		t.Fatalf("topics = %+v, want apples first", res.Topics)
	}
	for _, r := range res.Topics[0].Reasons {
		if r == "report" || r == "orchard" {
			t.Errorf("reasons = %q: %q is shared by both topics", res.Topics[0].Reasons, r)
		}
	}
	if !slices.Contains(res.Topics[0].Reasons, "apple") {
		t.Errorf("reasons = %q, want apple", res.Topics[0].Reasons)
	}
}

func TestKeepHeaviest(t *testing.T) {
	var list []termWeight
	for i := range 3 * reasonCandidates {
		list = keepHeaviest(list, termWeight{hash: uint64(i), w: float64(i % 7)})
	}
	if len(list) != reasonCandidates {
		t.Fatalf("len = %d, want %d", len(list), reasonCandidates)
	}
	for i := 1; i < len(list); i++ {
		a, b := list[i-1], list[i]
		if a.w < b.w || a.w == b.w && a.hash > b.hash {
			t.Fatalf("not heaviest first at %d: %+v", i, list)
		}
	}
	if list[0].w != 6 || list[0].hash != 6 {
		t.Errorf("first = %+v, want weight 6 hash 6", list[0])
	}
}
