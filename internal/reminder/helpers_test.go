package reminder

import (
	"mime"

	bmail "github.com/breachline/breachline/internal/mail"
)

type mime_WordDecoder = mime.WordDecoder

// Message is the mail package's message, named for brevity in tests.
type Message = bmail.Message
