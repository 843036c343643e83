"""Files: uploads are stored, returned as real Document/PhotoSize objects and downloadable."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.emulator import Emulator, SimUser
from tests.emulator.helpers import raw_updates

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


@pytest.fixture
async def alex(emu: Emulator) -> SimUser:
    user = emu.user("Alex")
    await user.send("/start")
    return user


async def test_document_upload_round_trip(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    sent = await bot.send_document(
        alex.chat_id,
        document=b"notes",
        filename="plan.txt",
        caption="<b>Your plan</b>",
        parse_mode="HTML",
    )
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type, sent.document.file_size) == (
        "plan.txt",
        "text/plain",
        5,
    )
    assert sent.caption == "Your plan"
    view = await alex.next_message()
    assert view.document is not None and view.document.content == b"notes"
    assert (view.text, view.html) == ("Your plan", "<b>Your plan</b>")
    file = await bot.get_file(sent.document.file_id)
    # PTB turns file_path into the download URL under base_file_url.
    assert file.file_path == f"{emu.api_url}/file/bot{emu.token}/documents/file_1.txt"
    assert bytes(await file.download_as_bytearray()) == b"notes"
    again = await bot.send_document(alex.chat_id, document=sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    assert emu.errors == []


async def test_photo_upload_and_image_check(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    sent = await bot.send_photo(alex.chat_id, photo=PNG)
    assert sent.photo and sent.photo[-1].width == 800
    assert (await alex.next_message()).photo is not None
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.send_photo(alex.chat_id, photo=b"not an image")
    document = await bot.send_document(alex.chat_id, document=b"x", filename="x.bin")
    assert document.document is not None
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await bot.send_photo(alex.chat_id, photo=document.document.file_id)


async def test_caption_limit_and_bad_file_ids(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_document(alex.chat_id, document=b"x", filename="x.txt", caption="c" * 1025)
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await bot.send_document(alex.chat_id, document="BQACunknown")
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("BQACunknown")


async def test_files_people_send_are_downloadable(
    bot: Bot, emu: Emulator, alex: SimUser, http: httpx.AsyncClient
) -> None:
    await alex.send_document("cv.pdf", b"%PDF-1.4 my cv")
    document = (await raw_updates(http))[-1]["message"]["document"]
    assert (document["file_name"], document["mime_type"]) == ("cv.pdf", "application/pdf")
    file = await bot.get_file(document["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.4 my cv"


async def test_download_needs_the_right_token(
    emu: Emulator, bot: Bot, alex: SimUser, http: httpx.AsyncClient
) -> None:
    sent = await bot.send_document(alex.chat_id, document=b"secret", filename="s.txt")
    assert sent.document is not None
    answer = await http.post("/getFile", data={"file_id": sent.document.file_id})
    path = answer.json()["result"]["file_path"]
    assert path == "documents/file_1.txt"
    async with httpx.AsyncClient(trust_env=False) as client:
        wrong = await client.get(f"{emu.api_url}/file/bot1:WRONG/{path}")
        right = await client.get(f"{emu.api_url}/file/bot{emu.token}/{path}")
    assert wrong.status_code == 404
    assert right.content == b"secret"
