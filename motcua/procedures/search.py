"""What a search for a procedure understands: the words people type, the way they spell.

One engine for the portal, the API and the desk's picker (``selectors.procedure_search``):

1. fold case, diacritics, ``đ→d`` and the i/y spellings (``kí``/``ký``) on both sides;
2. replace what people say by what the catalogue says, from the administrators' table of
   synonyms and abbreviations (``SearchSynonym``: "sổ đỏ", "GPXD", "CCCD", …);
3. drop the words around it that only say "I want a procedure" ("làm", "xin", "thủ tục",
   "ở đâu", …);
4. match every remaining word at the start of a word of the procedure's text, and when
   the words also appear together as a phrase, keep only those procedures;
5. rank: the code typed exactly, the name equal to the phrase, the name starting with
   it, the name containing it, every word in the name, the rest; among equals the most
   used procedure first, then the shortest name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from motcua.core.text import comparable, fold_variants

# Words around the query that say "I want a procedure", not which one ("làm giấy khai
# sinh", "xin giấy phép xây nhà", "thủ tục tách thửa ở đâu"): dropped at the start and at
# the end of the query only, since inside it the same letters may be meaningful ("căn cước",
# "đề nghị", "cho phép"). Folded.
LEADING_STOPWORDS = (
    "toi muon", "toi can", "muon", "cach", "huong dan", "lam sao de", "lam the nao de",
    "lam", "xin", "nop", "dang ki lam", "thu tuc", "ho so", "tthc",
)  # fmt: skip
TRAILING_STOPWORDS = (
    "o dau", "nhu the nao", "the nao", "ra sao", "can gi", "can giay to gi", "gi",
    "bao lau", "mat bao lau", "bao nhieu tien", "het bao nhieu",
)  # fmt: skip

# The seed of the synonym table (migration ``procedures.0003``): what people type → the
# catalogue's words. Administrators add to it in the admin.
SEED_SYNONYMS: list[tuple[str, str, str]] = [
    ("GPXD", "giấy phép xây dựng", "viết tắt"),
    ("giấy phép xây nhà", "giấy phép xây dựng", ""),
    ("xây nhà", "xây dựng", ""),
    ("sửa nhà", "sửa chữa", ""),
    ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất", "tên thường gọi"),
    ("sổ hồng", "giấy chứng nhận quyền sử dụng đất", "tên thường gọi"),
    ("bìa đỏ", "giấy chứng nhận quyền sử dụng đất", "tên thường gọi"),
    ("GCNQSDĐ", "giấy chứng nhận quyền sử dụng đất", "viết tắt"),
    ("QSDĐ", "quyền sử dụng đất", "viết tắt"),
    ("sang tên", "chuyển nhượng", ""),
    ("tách sổ", "tách thửa", ""),
    ("CCCD", "căn cước", "viết tắt"),
    ("CMND", "căn cước", "viết tắt (cũ)"),
    ("căn cước công dân", "căn cước", ""),
    ("HKD", "hộ kinh doanh", "viết tắt"),
    ("kinh doanh cá thể", "hộ kinh doanh", ""),
    ("mở quán", "hộ kinh doanh", ""),
    ("ĐKKD", "đăng ký kinh doanh", "viết tắt"),
    ("DNTN", "doanh nghiệp tư nhân", "viết tắt"),
    ("giấy khai sinh", "khai sinh", ""),
    ("làm khai sinh", "đăng ký khai sinh", ""),
    ("khai sinh cho con", "đăng ký khai sinh", ""),
    ("đăng ký cưới", "đăng ký kết hôn", ""),
    ("giấy đăng ký kết hôn", "đăng ký kết hôn", ""),
    ("cưới", "kết hôn", ""),
    ("lấy chồng nước ngoài", "kết hôn có yếu tố nước ngoài", ""),
    ("lấy vợ nước ngoài", "kết hôn có yếu tố nước ngoài", ""),
    ("báo tử", "khai tử", ""),
    ("giấy chứng tử", "khai tử", ""),
    ("xác nhận độc thân", "xác nhận tình trạng hôn nhân", ""),
    ("giấy độc thân", "xác nhận tình trạng hôn nhân", ""),
    ("độc thân", "tình trạng hôn nhân", ""),
    ("nhận con nuôi", "nuôi con nuôi", ""),
    ("công chứng bản sao", "chứng thực bản sao", "người dân hay gọi chứng thực là công chứng"),
    ("sao y", "chứng thực bản sao", ""),
    ("công chứng", "chứng thực", "người dân hay gọi chứng thực là công chứng"),
    ("ký xác nhận chữ ký", "chứng thực chữ ký", ""),
    ("GPLĐ", "giấy phép lao động", "viết tắt"),
    ("work permit", "giấy phép lao động", ""),
    ("người cao tuổi", "trợ cấp hưu trí xã hội", ""),
    ("tiền mai táng", "mai táng", ""),
    ("mai táng phí", "mai táng", ""),
    ("xe quá tải", "xe quá tải trọng", ""),
    ("TTHC", "", "từ chung, bỏ khi tìm"),
]

_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class Plan:
    """A query as the engine reads it: the words to match, and their phrase."""

    terms: tuple[str, ...]

    @property
    def phrase(self) -> str:
        return " ".join(self.terms)


def synonym_rows() -> list[tuple[str, str]]:
    """The synonym table, longest phrase first. Read on every search (one indexed query on
    a small table), so that an administrator's edit holds at once in every server process
    and a search costs the same number of queries whatever ran before it."""
    from motcua.procedures.models import SearchSynonym

    pairs = [
        (folded, fold_variants(replacement))
        for folded, replacement in SearchSynonym.objects.values_list("folded", "replacement")
        if folded
    ]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def _replace_phrases(text: str, rows: list[tuple[str, str]]) -> str:
    padded = f" {text} "
    for phrase, replacement in rows:
        needle = f" {phrase} "
        if needle in padded:
            # Each phrase replaced once, longest first, so a replacement is never
            # expanded again by a shorter phrase it contains.
            padded = padded.replace(needle, f" \x01{replacement.replace(' ', chr(2))} ")
    return padded.replace("\x01", "").replace("\x02", " ")


def _trim(words: list[str]) -> list[str]:
    """``words`` without the leading and trailing stopwords (never all of them)."""
    changed = True
    while changed and words:
        changed = False
        for phrase in LEADING_STOPWORDS:
            n = phrase.count(" ") + 1
            if len(words) > n and " ".join(words[:n]) == phrase:
                words, changed = words[n:], True
                break
        for phrase in TRAILING_STOPWORDS:
            n = phrase.count(" ") + 1
            if len(words) > n and " ".join(words[-n:]) == phrase:
                words, changed = words[:-n], True
                break
    return words


def search_plan(query: str, *, max_terms: int = 10, max_length: int = 200) -> Plan:
    """The words of ``query`` that search matches, after folding, synonyms and stopwords."""
    if not comparable(query):
        return Plan(())
    folded = fold_variants(query[:max_length])
    if not folded:
        return Plan(())
    words = _trim(folded.split())
    text = _replace_phrases(" ".join(words), synonym_rows())
    words = _trim(text.split()) or text.split() or folded.split()
    unique: list[str] = []
    for word in words:
        if word not in unique:
            unique.append(word)
    return Plan(tuple(unique[:max_terms]))


def searchable(text: str) -> str:
    """The stored form of a text: folded, each word between spaces."""
    folded = fold_variants(text)
    return f" {folded} " if folded else ""
