package web

import "golang.org/x/crypto/bcrypt"

func bcryptHashForTest(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	return string(h), err
}
