"""Tests of the ctypes module, run by .ci/run: python3 -m unittest discover -s examples/python"""

import ctypes
import json
import threading
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import dd_rules

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "examples" / "transactions").glob("*.json"))

SOURCE = """
ruleset "example" { version: "1" title: "Example" source: "Internal policy" }
enum Civic { open, narrowed, obstructed, repressed, closed }
record Country { civic_space: Civic  freedom_score: int }
facts { country: Country }
safeguard contract.cutoff { step: 6 title: "Right to cut off support" when: false }
flag S3.closed_civic_space {
    step: 3  severity: high  title: "Civic space is repressed or closed"
    when: country.civic_space >= repressed or country.freedom_score < 35
    mitigated_by: contract.cutoff
}
outcomes { proceed, escalate }
disposition {
    when any flags(raised, unmitigated) or any flags(unknown) => escalate
    otherwise => proceed
}
"""


class RuleSetTest(unittest.TestCase):
    def test_version(self):
        self.assertRegex(dd_rules.version(), r"^\d+\.\d+\.\d+")

    def test_bundled_evaluates_the_examples(self):
        with dd_rules.RuleSet.bundled() as rules:
            self.assertEqual(rules.name, "us-state-2020")
            report = rules.evaluate((ROOT / "examples/transactions/partial-facts.json").read_text())
            self.assertEqual(report["transaction"], "example-e-partial-facts")
            self.assertEqual(report["disposition"], "gather_facts")
            self.assertTrue(report["missing_facts"])
            self.assertIn("human review", report["notice"])
            for path in EXAMPLES:
                report = rules.evaluate(path.read_bytes())
                self.assertIn(report["disposition"], ["out_of_scope", "proceed", "proceed_with_safeguards", "gather_facts",
                                                      "escalate", "do_not_proceed"], path.name)

    def test_the_report_says_whether_the_transaction_is_in_scope(self):
        with dd_rules.RuleSet.bundled() as rules:
            report = rules.evaluate((ROOT / "examples/transactions/partial-facts.json").read_text())
            self.assertEqual(report["scope"]["status"], "in")
            self.assertTrue(report["scope"]["evidence"])
            printers = rules.evaluate({"product": {"capabilities": [], "critical_component": False}})
            self.assertEqual(printers["scope"]["status"], "out")
            self.assertEqual(printers["disposition"], "out_of_scope")
            self.assertEqual(printers["disposition_rule"], "out of scope => out_of_scope")
            self.assertEqual(printers["missing_facts"], [])
            unknown = rules.evaluate({"end_user": {"kind": "national_police"}})
            self.assertEqual(unknown["scope"]["status"], "unknown")
            scope_facts = unknown["scope"]["missing"]
            self.assertEqual(unknown["missing_facts"][: len(scope_facts)], scope_facts)
        # A ruleset without a scope has no `scope` in its reports.
        self.assertNotIn("scope", dd_rules.RuleSet.compile(SOURCE, "example.rules").evaluate({}))

    def test_the_report_asks_questions_and_plans_safeguards(self):
        with dd_rules.RuleSet.bundled() as rules:
            # Scope unknown: the facts that decide it are asked first.
            unknown = rules.evaluate({"end_user": {"kind": "national_police"}})
            first = unknown["questionnaire"]["questions"][0]
            self.assertTrue(first["decides_scope"])
            self.assertIn("type", first)
            # A sanctions hit: no safeguard lowers it, and the plan says why.
            hit = rules.evaluate({"end_user": {"sanctioned": True}})
            self.assertEqual(hit["remediation"]["plans"], [])
            self.assertEqual(hit["remediation"]["blocked_by"], ["S2.sanctioned"])
            # Out of scope: nothing to ask, nothing to plan.
            printers = rules.evaluate({"product": {"capabilities": [], "critical_component": False}})
            self.assertEqual(printers["questionnaire"]["questions"], [])
            self.assertNotIn("remediation", printers)

    def test_compile_and_evaluate_a_dict(self):
        rules = dd_rules.RuleSet.compile(SOURCE, "example.rules")
        self.assertEqual((rules.name, rules.version), ("example", "1"))
        report = rules.evaluate({"id": "T-1", "country": {"civic_space": "open"}})
        flag = report["flags"][0]
        self.assertEqual(flag["status"], "unknown")
        self.assertEqual(flag["missing"], ["country.freedom_score"])
        self.assertEqual(report["disposition"], "escalate")
        raised = rules.evaluate({"country": {"civic_space": "closed"}})
        self.assertEqual(raised["flags"][0]["status"], "raised")
        # The JSON text is compact and deterministic.
        self.assertEqual(rules.evaluate_json("{}"), rules.evaluate_json(b"{}"))
        self.assertEqual(rules.warnings(), [])
        self.assertIn("country", json.dumps(rules.json_schema()))

    def test_rules_error_has_every_diagnostic(self):
        broken = SOURCE.replace("country.freedom_score < 35", "country.freedom_scor < 35").replace(
            "civic_space >= repressed", "civic_spac >= repressed")
        with self.assertRaises(dd_rules.RulesError) as caught:
            dd_rules.RuleSet.compile(broken, "broken.rules")
        error = caught.exception
        self.assertEqual(error.status, 3)
        codes = [d["code"] for d in error.diagnostics if d["severity"] == "error"]
        self.assertGreaterEqual(len(codes), 2, error.diagnostics)
        self.assertTrue(all(c.startswith("DD") for c in codes))
        self.assertIn("--> broken.rules:", error.message)
        self.assertIn("did you mean", error.message)

    def test_check_lists_errors_and_warnings(self):
        diagnostics = dd_rules.check(SOURCE + "predicate unused { country.freedom_score > 1 }\n", "w.rules")
        self.assertEqual([d["severity"] for d in diagnostics], ["warning"])
        self.assertEqual(dd_rules.check(SOURCE), [])
        self.assertTrue(any(d["severity"] == "error" for d in dd_rules.check("nonsense")))

    def test_facts_error_says_where(self):
        rules = dd_rules.RuleSet.bundled()
        with self.assertRaises(dd_rules.FactsError) as caught:
            rules.evaluate('{\n  "country": {"civic_spac": "open"}\n}')
        error = caught.exception
        self.assertEqual((error.path, error.line), ("country.civic_spac", 2))
        self.assertGreater(error.column, 0)
        self.assertIn("did you mean `civic_space`?", error.message)
        with self.assertRaises(dd_rules.FactsError):
            rules.evaluate("[1, 2")

    def test_invalid_text(self):
        rules = dd_rules.RuleSet.bundled()
        with self.assertRaises(dd_rules.InvalidUtf8) as caught:
            rules.evaluate_json(b'{"id": "\xff"}')
        self.assertEqual(caught.exception.offset, 8)
        with self.assertRaises(dd_rules.InvalidArgument) as caught:
            rules.evaluate_json('{"id": "a\x00b"}')
        self.assertIn("NUL byte at offset 9", caught.exception.message)
        with self.assertRaises(dd_rules.InvalidUtf8):
            dd_rules.RuleSet.compile(SOURCE, b"bad\xe2.rules")
        with self.assertRaises(TypeError):
            rules.evaluate_json(12)

    def test_over_budget_names_the_flag(self):
        source = (
            'ruleset "n" { version: "1" title: "t" source: "s" }\n'
            "record P { ok: bool }\n"
            "facts { ps: list<P> }\n"
            'flag F.deep { step: 1 severity: high title: "deep"\n'
            "  when: any(a in ps where any(b in ps where a.ok and b.ok)) }\n"
            "outcomes { go, stop }\n"
            "disposition { when any flags(raised) => stop  otherwise => go }\n"
        )
        facts = {"ps": [{"ok": False}] * 50}
        with dd_rules.RuleSet.compile(source, "n.rules") as rules:
            self.assertEqual(rules.evaluate(facts)["disposition"], "go")
            with rules.with_budget(100) as small:
                with self.assertRaises(dd_rules.OverBudget) as caught:
                    small.evaluate(facts)
                self.assertEqual((caught.exception.budget, caught.exception.kind, caught.exception.id), (100, "flag", "F.deep"))
                with self.assertRaises(dd_rules.InvalidArgument):
                    small.with_budget(0)

    def test_closed_ruleset(self):
        rules = dd_rules.RuleSet.bundled()
        report = rules.evaluate_json("{}")
        rules.close()
        rules.close()  # closing twice is harmless
        self.assertIn('"disposition"', report)
        with self.assertRaises(ValueError):
            rules.evaluate("{}")

    def test_threads_share_one_ruleset(self):
        rules = dd_rules.RuleSet.bundled()
        documents = [p.read_text() for p in EXAMPLES]
        expected = [rules.evaluate_json(d) for d in documents]
        errors = []

        def work(i):
            for round_ in range(5):
                k = (i + round_) % len(documents)
                if rules.evaluate_json(documents[k]) != expected[k]:
                    errors.append(f"thread {i}: report {k} differs")
            # Each thread sees its own last error.
            try:
                rules.evaluate({f"field_of_thread_{i}": True})
            except dd_rules.FactsError as e:
                if f"field_of_thread_{i}" not in e.message:
                    errors.append(f"thread {i} got another thread's error: {e.message}")
            return threading.get_ident()

        with ThreadPoolExecutor(max_workers=8) as pool:
            idents = list(pool.map(work, range(8)))
        self.assertEqual(errors, [])
        self.assertGreater(len(set(idents)), 1)

    def test_an_error_object_is_read_on_another_thread(self):
        # What a runtime that moves a task between OS threads does: the call
        # fails on one thread, and its error is read on another, after the
        # first thread has failed again (changing its own last error).
        rules = dd_rules.RuleSet.bundled()
        facts = b'{"field_of_the_worker": 1}'
        made = {}

        def worker():
            error, report = ctypes.c_void_p(), ctypes.c_void_p()
            made["status"] = dd_rules._lib.dd_ruleset_evaluate_json_e(
                rules._live(), facts, len(facts), ctypes.byref(report), ctypes.byref(error))
            made["error"] = error
            try:
                rules.with_budget(0)
            except dd_rules.InvalidArgument as e:
                made["second"] = e

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        self.assertEqual(made["status"], 4)
        self.assertIn("steps", made["second"].message)
        error = dd_rules._take_error(made["error"])
        self.assertIsInstance(error, dd_rules.FactsError)
        self.assertEqual(error.status, 4)
        self.assertEqual((error.path, error.line), ("field_of_the_worker", 1))
        self.assertIn("`field_of_the_worker`", error.message)
        # A success leaves no error object.
        error = ctypes.c_void_p(1)
        report = ctypes.c_void_p()
        self.assertEqual(dd_rules._lib.dd_ruleset_evaluate_json_e(
            rules._live(), b"{}", 2, ctypes.byref(report), ctypes.byref(error)), 0)
        self.assertIsNone(error.value)
        dd_rules._lib.dd_string_free(report)


if __name__ == "__main__":
    unittest.main()
