"""No log line carries personal data or a credential (DB31DSJ/Z 003 §8.2 c: 不落地)."""

from __future__ import annotations

import logging

import pytest

from {{ cookiecutter.__package_name }}.privacy.detector import (
    find_personal_data,
    luhn_valid,
    mask_text,
    valid_id_card,
)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("请联系 13812345678 办理", ["mobile"]),
        ("身份证号 11010519491231002X。", ["id_card"]),
        ("身份证号 110105194912310021", []),  # wrong check digit: not an ID number
        ("卡号 6222 0212 3456 7890 128", ["bank_card"]),
        ("卡号 6222021234567890129", []),  # fails Luhn
        ("邮箱 canary.test@example.gov.cn", ["email"]),
        ("订单 20261129123456789 时间 1795953326", []),
        ("电话 23812345678", []),  # no mobile starts with 2
        ("13812345678 和 wang@example.gov.cn", ["mobile", "email"]),
    ],
)
def test_detector_finds_personal_data_and_leaves_other_numbers(text, kinds):
    assert [finding.kind for finding in find_personal_data(text)] == kinds


def test_check_digits():
    assert valid_id_card("11010519491231002X")
    assert not valid_id_card("110105194912310021")
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("access_token=tok123&corpid=ww1", "access_token=***&corpid=ww1"),
        ('{"corpsecret": "s3cr3t"}', '{"corpsecret": "***"}'),
        ("callback?code=abc&state=xyz", "callback?code=***&state=xyz"),
        ("手机 13812345678", "手机 138****5678"),
    ],
)
def test_mask_text(raw, masked):
    assert mask_text(raw) == masked


def test_every_part_of_a_log_record_is_masked(app, caplog):
    logger = logging.getLogger("{{ cookiecutter.__package_name }}.test")
    with caplog.at_level(logging.INFO):
        logger.info("user %s called with access_token=%s", "13812345678", "tok-secret-1")
        logger.warning("lookup", extra={"contact": "canary.test@example.gov.cn"})
        try:
            raise ValueError("bad id 11010519491231002X")
        except ValueError:
            logger.exception("failed for %s", "wang@example.gov.cn")
    text = caplog.text + " ".join(str(vars(record)) for record in caplog.records)
    for raw in ("13812345678", "tok-secret-1", "canary.test@example.gov.cn",
                "11010519491231002X", "wang@example.gov.cn"):
        assert raw not in text
    assert "138****5678" in caplog.text
    assert "1***************2X" in caplog.text  # the traceback is kept, masked
    assert caplog.records[1].contact == "c**********@example.gov.cn"


def test_libraries_are_masked_too(app, caplog):
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("urllib3.connectionpool").debug(
            "GET /cgi-bin/user/get?userid=x&access_token=tok-lib HTTP/1.1 200 mobile 13900001111")
    assert "tok-lib" not in caplog.text
    assert "13900001111" not in caplog.text
