#!/bin/sh
# ffmpeg for the worker test (VIDEO_FFMPEG): when $FITWELL_TEST_HANG/hang-next exists, the run that makes a
# poster renames it to `hung`, writes "<worker process pid> <own pid>" into it and waits to be killed.
case "$*" in
  *poster.jpg*)
    if mv "$FITWELL_TEST_HANG/hang-next" "$FITWELL_TEST_HANG/hung.tmp" 2>/dev/null; then
      echo "$PPID $$" > "$FITWELL_TEST_HANG/hung.tmp"
      mv "$FITWELL_TEST_HANG/hung.tmp" "$FITWELL_TEST_HANG/hung"
      exec sleep 300
    fi
    ;;
esac
exec ffmpeg "$@"
