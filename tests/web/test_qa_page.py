"""The QA report a user reaches from a version page."""

from __future__ import annotations

import httpx


def test_version_page_links_a_qa_report_with_real_findings(viewer: httpx.Client) -> None:
    client = viewer
    version = client.get("/datasets/hh-harmless/v/1")
    assert 'href="/datasets/hh-harmless/v/1/qa"' in version.text
    report = client.get("/datasets/hh-harmless/v/1/qa")
    assert report.status_code == 200
    assert "QA report: hh-harmless@v1" in report.text
    assert "<svg" in report.text and "<script" not in report.text
    assert "2,312" in report.text  # records scanned
    assert "empty-turn" in report.text  # HH has empty assistant replies
