from motcua.core.textcheck import text_problems


def kinds(text, **kwargs):
    return [p.kind for p in text_problems(text, **kwargs)]


def test_clean_vietnamese_text_has_no_problem():
    text = (
        "Hồ sơ 000.00.00.H99-270301-0001 · Đăng ký khai sinh (1.001193) · Phí: 75.000 đồng "
        "· Đúng hạn 83,4 % · Tiếp nhận lúc 08:15 01/03/2027 · Nguyễn Văn An · tải PDF"
    )
    assert text_problems(text) == []


def test_python_reprs_of_a_dict_are_found():
    text = "Giấy tờ cần bổ sung: ('channel', 'online'); ('due_at', None)"
    found = kinds(text)
    assert "program data" in found
    assert "identifier" in found


def test_empty_lists_and_booleans_are_program_data():
    assert "program data" in kinds("Tệp: []")
    assert "program data" in kinds("Đã thanh toán: True")


def test_english_developer_notes_are_found():
    assert "English word" in kinds("Tiếp nhận — the clock starts at acceptance")


def test_role_codes_and_slugs_are_found():
    assert "role code" in kinds("Thẩm định (specialist, 54 giờ)")
    assert "slug" in kinds("Trường hợp: nha-o-rieng-le")


def test_usernames_are_found_but_not_inside_e_mail_addresses():
    assert "username" in kinds("liên hệ với motcua.xa, số điện thoại", usernames=["motcua.xa"])
    assert kinds("Thư: motcua.xa@example.vn", usernames=["motcua.xa"]) == []


def test_numbers_without_vietnamese_separators_are_found():
    assert "number without separators" in kinds("Phí, lệ phí: 75000 đồng")
    assert "number without separators" in kinds("Đúng hạn 83.4 %")
    assert kinds("Năm 2027, mã 1.001193") == []


def test_untranslated_placeholders_are_found():
    assert "untranslated placeholder" in kinds("Xin chào %(name)s")


def test_allow_list_accepts_quoted_words():
    assert kinds("Tên tiếng Anh: The Centre", allow=["the"]) == []


def test_letters_inside_a_checksum_or_a_vietnamese_word_are_not_english():
    # A file's SHA-256 prefix can hold "be" or "add"; it is not an English word.
    assert kinds("47,1 KB · 8511be65718a · 0add5e09 · Thêm tệp") == []
    assert "English word" in kinds("Thêm tệp — be careful")
