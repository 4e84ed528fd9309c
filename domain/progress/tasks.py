"""Background work of this area: none yet (photos are cleaned in the request; a deleted photo's file is
removed right after the commit, see `services.progress_photo_delete`)."""
