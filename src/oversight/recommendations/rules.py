"""Legal and policy numbers for the register, in one place with their sources."""

# s.55(5A) Police Act 1996: the governing body publishes its response to an HMICFRS report on its
# force "before the end of the period of 56 days beginning with the day on which the report is
# published": publication day is day 1 (lib.deadlines.last_day_of_period).
RESPONSE_DAYS = 56

# Forces review each item every three months (brief, section 4).
REVIEW_INTERVAL_MONTHS = 3

# Evidence files the inspectorate accepts: documents, spreadsheets, images and plain text.
EVIDENCE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
