"""A small JUnit XML writer (the de-facto schema read by Jenkins, GitLab,
GitHub test reporters and pytest's --junitxml): <testsuites> of <testsuite>s
of <testcase>s, each passing, or with one <failure>, <error> or <skipped>."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Optional

_BAD_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text) -> str:
    """Text XML 1.0 can carry: control characters become U+FFFD."""
    return _BAD_XML.sub("\ufffd", str(text))


@dataclass
class Case:
    classname: str
    name: str
    file: Optional[str] = None
    line: Optional[int] = None
    outcome: Optional[tuple[str, str, str, str]] = None  # (tag, type, message, text)
    stdout: str = ""
    props: dict = field(default_factory=dict)

    def fail(self, kind: str, message: str, text: str = "") -> "Case":
        self.outcome = ("failure", kind, message, text or message)
        return self

    def error(self, kind: str, message: str, text: str = "") -> "Case":
        self.outcome = ("error", kind, message, text or message)
        return self

    def skip(self, message: str) -> "Case":
        self.outcome = ("skipped", "", message, "")
        self.stdout = message
        return self

    def out(self, text: str) -> "Case":
        self.stdout = text
        return self


@dataclass
class Suite:
    name: str
    properties: dict
    cases: list[Case] = field(default_factory=list)
    system_out: str = ""

    def case(self, classname: str, name: str, file: Optional[str], line: Optional[int]) -> Case:
        c = Case(classname, name, file, line)
        self.cases.append(c)
        return c

    def count(self, tag: str) -> int:
        return sum(1 for c in self.cases if c.outcome and c.outcome[0] == tag)


def junit_xml(name: str, suites: list[Suite]) -> str:
    root = ET.Element("testsuites", name=clean(name))
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for s in suites:
        counts = {"tests": len(s.cases), "failures": s.count("failure"), "errors": s.count("error"),
                  "skipped": s.count("skipped")}
        for k, v in counts.items():
            totals[k] += v
        el = ET.SubElement(root, "testsuite", name=clean(s.name), **{k: str(v) for k, v in counts.items()})
        if s.properties:
            props = ET.SubElement(el, "properties")
            for k, v in s.properties.items():
                ET.SubElement(props, "property", name=clean(k), value=clean(v))
        for c in s.cases:
            attrs = {"classname": clean(c.classname), "name": clean(c.name)}
            if c.file:
                attrs["file"] = clean(c.file)
            if c.line:
                attrs["line"] = str(c.line)
            tc = ET.SubElement(el, "testcase", **attrs)
            if c.props:
                props = ET.SubElement(tc, "properties")
                for k, v in c.props.items():
                    ET.SubElement(props, "property", name=clean(k), value=clean(v))
            if c.outcome:
                tag, kind, message, text = c.outcome
                attrs = {"message": clean(message)}
                if kind:
                    attrs["type"] = clean(kind)
                out = ET.SubElement(tc, tag, **attrs)
                if text:
                    out.text = clean(text)
            if c.stdout:
                ET.SubElement(tc, "system-out").text = clean(c.stdout)
        if s.system_out:
            ET.SubElement(el, "system-out").text = clean(s.system_out)
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
