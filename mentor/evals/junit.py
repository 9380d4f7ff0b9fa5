"""JUnit XML for CI: one test case per eval case, and one per gate condition.

A failed case is a ``<failure>`` with its reasons; a case whose model call or grader errored,
or whose judge reply could not be parsed, is an ``<error>`` (type ``error`` or ``unparsed``);
a case no grader judged is ``<skipped>``. CI systems (GitHub, GitLab, Jenkins) show these
as test results.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Final

from mentor.evals.gates import GateResult
from mentor.evals.outcomes import CaseOutcome

OUTPUT_CHARS: Final = 2000


def _case(parent: ET.Element, suite: str, o: CaseOutcome) -> str:
    tc = ET.SubElement(
        parent,
        "testcase",
        classname=f"{suite}.{o.case.severity}",
        name=o.case.id,
        time=f"{o.latency_s or 0.0:.3f}",
    )
    status = o.status
    reasons = "\n".join(o.reasons)
    body = reasons + (f"\n\noutput:\n{o.output[:OUTPUT_CHARS]}" if o.output else "")
    first = o.reasons[0] if o.reasons else status
    if status == "failed":
        ET.SubElement(tc, "failure", message=first, type=o.case.severity).text = body
    elif status in ("error", "unparsed"):
        ET.SubElement(tc, "error", message=first, type=status).text = body
    elif status == "ungraded":
        ET.SubElement(tc, "skipped", message="no grader judged this case")
    return status


def _suite(root: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=name)


def _count(element: ET.Element, statuses: Sequence[str]) -> None:
    element.set("tests", str(len(statuses)))
    element.set("failures", str(statuses.count("failed")))
    element.set("errors", str(statuses.count("error") + statuses.count("unparsed")))
    element.set("skipped", str(statuses.count("ungraded")))


def junit_xml(
    outcomes: Sequence[CaseOutcome], *, suite: str = "mentor-eval", gate: GateResult | None = None
) -> str:
    """The JUnit XML document for a run's outcomes (and its gate, when given)."""
    root = ET.Element("testsuites", name=f"mentor eval {suite}")
    cases = _suite(root, suite)
    statuses = [_case(cases, suite, o) for o in outcomes]
    _count(cases, statuses)
    everything = list(statuses)
    if gate is not None:
        gates = _suite(root, f"gate {gate.name}")
        if gate.judges:  # what the verdict rests on: each judge and its calibration
            props = ET.SubElement(gates, "properties")
            for j in gate.judges:
                ET.SubElement(props, "property", name=f"judge:{j.name}", value=j.summary)
        gate_statuses = []
        for c in gate.conditions:
            tc = ET.SubElement(gates, "testcase", classname=f"gate.{gate.name}", name=c.label)
            if not c.passed:
                ET.SubElement(tc, "failure", message=c.reason, type="gate").text = c.reason
            if c.notes:
                ET.SubElement(tc, "system-out").text = "\n".join(c.notes)
            gate_statuses.append("passed" if c.passed else "failed")
        _count(gates, gate_statuses)
        everything += gate_statuses
    _count(root, everything)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
