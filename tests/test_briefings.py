"""One-page briefings built from the synthetic sample: one A4 page each, named by the force's
slug, saying the force, the data mode and the analysis layer's verdict sentences word for word."""

from __future__ import annotations

import re
import warnings

import pytest
from pypdf import PdfReader

from helpers.analysis import profile
from helpers.core import config
from helpers.core.datamode import SYNTHETIC_BANNER
from helpers.reference import forces
from helpers.report import briefings, verdicts

pytestmark = pytest.mark.slow

#: Greater Manchester (a year without data), Gwent (community resolutions planted high in the
#: sample) and the City of London (the smallest force)
CODES = ["E23000005", "W15000002", "E23000034"]
#: ISO 216 A4 in PostScript points (210 x 297 mm)
A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def built(sample_data, tmp_path_factory):
    """The briefings of ``CODES`` written into a temporary reports folder from the session's
    processed sample data and measures (``conftest.sample_data``)."""
    root = tmp_path_factory.mktemp("briefings")
    da, measures = sample_data.fresh()
    with pytest.MonkeyPatch.context() as patch:
        sample_data.point_at(patch, root)
        mode = sample_data.mode
        paths = briefings.write_briefings(measures, da, mode, codes=CODES, workers=1)
        yield {"mode": mode, "da": da, "measures": measures, "paths": paths}


def squeeze(text: str) -> str:
    """Text without whitespace, so that a sentence wrapped over lines still matches."""
    return re.sub(r"\s+", "", text)


def page_text(path) -> str:
    return squeeze(PdfReader(path).pages[0].extract_text())


def test_one_file_per_force_by_slug_and_one_for_england_and_wales(built):
    names = [p.name for p in built["paths"]]
    by_name = sorted(CODES, key=lambda c: forces.force_names()[c])
    assert names == [f"{forces.slug(c)}.pdf" for c in by_name] + ["england-and-wales.pdf"]
    assert all(p.parent == config.reports_dir() / "briefings" for p in built["paths"])
    # the 43 forces have 43 different file names
    assert len({forces.slug(c) for c in forces.territorial_codes()}) == 43


def test_each_briefing_is_one_a4_page(built):
    for path in built["paths"]:
        reader = PdfReader(path)
        assert len(reader.pages) == 1, path.name
        box = reader.pages[0].mediabox
        assert float(box.width) == pytest.approx(A4_POINTS[0], abs=1)
        assert float(box.height) == pytest.approx(A4_POINTS[1], abs=1)
        assert "/CreationDate" not in reader.metadata


def test_a_force_page_names_the_force_the_mode_and_the_verdicts_word_for_word(built):
    for code in CODES:
        path = config.reports_dir() / "briefings" / f"{forces.slug(code)}.pdf"
        text = page_text(path)
        name = forces.force_names()[code]
        assert squeeze(name) in text
        assert text.count(squeeze(SYNTHETIC_BANNER)) >= 2  # top and bottom of the page
        for result in built["measures"].values():
            row = result.verdict(code)
            assert squeeze(verdicts.extreme(row, result)) in text
            assert squeeze(verdicts.versus_national(row, result)) in text
        cr = built["measures"]["community_resolution"]
        assert squeeze(verdicts.guidance(cr.verdict(code), cr)) in text


def test_a_year_without_data_is_said(built):
    text = page_text(config.reports_dir() / "briefings" / "greater-manchester.pdf")
    assert squeeze("Greater Manchester has no data for 2019/20") in text


def test_the_england_and_wales_page_carries_the_national_verdicts(built):
    text = page_text(config.reports_dir() / "briefings" / "england-and-wales.pdf")
    assert squeeze("England and Wales") in text and squeeze(SYNTHETIC_BANNER) in text
    for result in built["measures"].values():
        assert squeeze(verdicts.national_sentence(result)) in text
        assert squeeze(verdicts.comparison_summary(result)) in text
    assert squeeze(verdicts.guidance_summary(built["measures"]["community_resolution"])) in text


def test_jargon_on_the_page_is_explained(built):
    text = page_text(config.reports_dir() / "briefings" / "gwent.pdf")
    for words in ("95% interval:", "Holm-corrected across forces:", "Percentage points:"):
        assert squeeze(words) in text


def test_a_briefing_is_the_same_bytes_when_written_again(built, tmp_path):
    again = briefings.write_briefings(
        built["measures"], built["da"], built["mode"], tmp_path, codes=["W15000002"]
    )
    assert again[0].read_bytes() == (config.reports_dir() / "briefings" / "gwent.pdf").read_bytes()
    assert (
        again[1].read_bytes()
        == (config.reports_dir() / "briefings" / "england-and-wales.pdf").read_bytes()
    )


def test_an_unknown_force_code_is_a_key_error(built, tmp_path):
    with pytest.raises(KeyError, match="E99"):
        briefings.write_briefings(
            built["measures"], built["da"], built["mode"], tmp_path, codes=["E99"]
        )


def test_every_page_fits_on_one_page(built):
    """All 43 force pages and the national page fit at a readable size (no page runs off the
    bottom, which would cut the closing banner)."""
    da, measures, mode = built["da"], built["measures"], built["mode"]
    pages = [briefings.national_blocks(measures, mode, "2000-01-01")]
    for _, code in profile.force_options():
        force = profile.build_profile(da, code, measures)
        pages.append(briefings.force_blocks(force, mode, "2000-01-01"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sizes = [briefings._fit(blocks) for blocks in pages]
    assert min(sizes) >= 6.5
    assert all(blocks[-1].kind == "banner" for blocks in pages)
