"""The search finds what people type: precision@3 over the relevance set of real queries
on the demo catalogue, through the same engine as the portal, the API and the desk."""

from __future__ import annotations

import pytest

from motcua.demo.loader import CATALOG
from motcua.procedures.catalog import catalog_import_file
from motcua.procedures.selectors import procedure_search
from motcua.procedures.tests.relevance import judge, precision_at_3, relevance_queries


def codes(query: str) -> list[str]:
    return [p.code for p in procedure_search(query=query)[:3]]


@pytest.fixture
def demo_catalog(db: None) -> None:
    catalog_import_file(str(CATALOG))


def test_the_relevance_set_has_at_least_forty_real_queries() -> None:
    assert len(relevance_queries()) >= 40


def test_precision_at_3_reaches_nine_tenths(demo_catalog: None) -> None:
    judged = judge(codes)
    misses = [f"{j.query!r}: {j.top3} expected {j.expected}" for j in judged if j.precision < 1]
    assert precision_at_3(judged) >= 0.9, "\n".join(misses)


def test_i_and_y_spellings_find_the_same(demo_catalog: None) -> None:
    assert codes("đăng kí khai sinh")[0] == "1.001193"
    assert codes("đăng ký khai sinh") == codes("dang ki khai sinh")
    assert codes("thờ cúng liệt sỹ") == codes("thờ cúng liệt sĩ")


def test_a_phrase_keeps_out_procedures_that_only_share_its_words(demo_catalog: None) -> None:
    found = [p.code for p in procedure_search(query="ket hon")]
    assert found[:1] == ["1.000894"]
    assert all(not code.startswith("1.0127") for code in found)  # no land procedure


def test_the_name_match_ranks_before_a_longer_name(demo_catalog: None) -> None:
    assert codes("khai sinh")[0] == "1.001193"


def test_an_abbreviation_is_expanded(demo_catalog: None) -> None:
    assert codes("GPXD")[0].startswith("1.01322")
    assert codes("sổ đỏ")
    assert len(list(procedure_search(query="sổ đỏ"))) <= 8


def test_an_administrator_adds_a_synonym(demo_catalog: None) -> None:
    from motcua.procedures.models import SearchSynonym

    assert codes("xe tải đi Trung Quốc") == []
    SearchSynonym.objects.create(
        phrase="xe tải đi Trung Quốc", replacement="vận tải đường bộ quốc tế"
    )
    assert codes("xe tải đi Trung Quốc") == ["2.001034"]


def test_the_most_used_procedure_comes_first_among_equals(demo_catalog: None) -> None:
    from motcua.procedures.models import Procedure

    first = codes("giám hộ")[0]
    other = "1.004845" if first == "1.004837" else "1.004837"
    Procedure.objects.filter(code=other).update(popularity=50)
    assert codes("giám hộ")[0] == other
