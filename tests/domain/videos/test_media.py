"""ffprobe decides what a file is: what phones and browsers record is accepted, anything else refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from domain.videos import media

FFMPEG = "ffmpeg"


def _make(path: Path, *arguments: str) -> str:
    command = [FFMPEG, "-v", "error", "-y", *arguments, str(path)]
    subprocess.run(command, check=True)  # noqa: S603
    return str(path)


PATTERN = ["-f", "lavfi", "-i", "testsrc=size=160x90:rate=25:duration=1"]


def test_a_browser_recording_in_webm_is_a_video(tmp_path):
    probe = media.probe(_make(tmp_path / "take.webm", *PATTERN, "-c:v", "libvpx", "-b:v", "200k"))
    assert (probe.codec, probe.width, probe.height) == ("vp8", 160, 90)
    assert float(probe.frame_rate) == 25
    assert probe.has_audio is False


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("motion.avi", [*PATTERN, "-c:v", "mjpeg"]),  # a container and codec we do not take
        ("sound.m4a", ["-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"]),  # no picture at all
        ("still.mp4", [*PATTERN, "-frames:v", "1", "-f", "image2", "-c:v", "mjpeg"]),  # a JPEG named .mp4
    ],
)
def test_other_files_are_refused_whatever_their_name(tmp_path, name, arguments):
    with pytest.raises(media.VideoRefused) as refused:
        media.probe(_make(tmp_path / name, *arguments))
    assert refused.value.code == "video_type"


def test_the_accepted_codecs_are_a_setting(tmp_path, settings):
    clip = _make(tmp_path / "take.webm", *PATTERN, "-c:v", "libvpx", "-b:v", "200k")
    settings.VIDEO_CODECS = ["h264"]
    with pytest.raises(media.VideoRefused):
        media.probe(clip)
