"""The demo center's calls with transcripts (R-7.5): a few of this morning's calls, as the
phone system would post them, one good, some that break a rule, one where the customer
threatens to complain — flagged, first in the inspector's queue."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.accounts.models import User
from kefu.interactions.services import cti_event
from kefu.quality.transcripts import transcript_receive

GOOD = [
    ("agent", "您好，很高兴为您服务，请问有什么可以帮您？"),
    ("customer", "我想预约下周二的保养。"),
    ("agent", "好的，我帮您登记周二上午九点，到时候服务顾问会提前联系您。"),
    ("customer", "好的，谢谢。"),
    ("agent", "感谢您的来电，祝您生活愉快，再见。"),
]
CURT = [
    ("agent", "喂，说吧。"),
    ("customer", "我的车空调不制冷，上周刚保养过。"),
    ("agent", "这个我不知道，你自己看说明书。"),
    ("customer", "说明书上没有写啊。"),
    ("agent", "没办法，这是规定，你去店里看吧。"),
]
ANGRY = [
    ("agent", "您好，很高兴为您服务。"),
    ("customer", "车门异响修了三次都没修好，你们到底能不能处理？"),
    ("agent", "很抱歉给您带来不便，我马上为您查询维修记录。"),
    ("customer", "再不给我解决我就打12315投诉，还要找媒体曝光！"),
    ("agent", "我理解您的心情，我帮您联系售后经理今天给您回电。"),
    ("customer", "好，我等电话。"),
    ("agent", "感谢您的来电，再见。"),
]


def demo_transcripts() -> int:
    """Three calls of agent1–agent3 this morning, each with its transcript and recording."""
    pbx = User.objects.get(username="admin")
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    for n, (username, lines) in enumerate((("agent1", GOOD), ("agent2", CURT),
                                           ("agent3", ANGRY))):  # fmt: skip
        call_id, at = f"DEMO-{start:%Y%m%d}-{n + 1}", start + dt.timedelta(minutes=20 * n)
        sentences, t = [], 0.0
        for speaker, text in lines:
            length = max(2.0, len(text) / 4)
            sentences.append({"speaker": speaker, "start": t, "end": t + length, "text": text})
            t += length + 1.5
        for event, offset in (("ringing", 0), ("answered", 5), ("hangup", 5 + t)):
            when = (at + dt.timedelta(seconds=offset)).isoformat()
            cti_event(actor=pbx, event=event, call_id=call_id, caller=f"1390000000{n}",
                      agent=username, at=when)  # fmt: skip
        transcript_receive(actor=pbx, call_id=call_id, sentences=sentences,
                           recording_url=f"http://pbx.local/recordings/{call_id}.mp3")  # fmt: skip
    return 3
