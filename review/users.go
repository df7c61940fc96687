package review

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a user may do.
type Role string

// Roles, from least to most trusted. Each role also has the rights of the ones
// before it except admin, which manages accounts only.
const (
	RoleClerk      Role = "clerk"      // uploads
	RoleReviewer   Role = "reviewer"   // corrects and verifies
	RoleSupervisor Role = "supervisor" // approves, exports, reopens
	RoleAdmin      Role = "admin"      // manages users
)

// Roles lists every role.
var Roles = []Role{RoleClerk, RoleReviewer, RoleSupervisor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, v := range Roles {
		if r == v {
			return true
		}
	}
	return false
}

// User is an account.
type User struct {
	ID        int64
	Name      string
	Role      Role
	Disabled  bool
	CreatedAt time.Time
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ErrWeakPassword: a password shorter than MinPasswordLength.
var ErrWeakPassword = fmt.Errorf("password must have at least %d characters", MinPasswordLength)

// HashPassword returns the bcrypt hash of a password.
func HashPassword(pw string) (string, error) {
	if len(pw) < MinPasswordLength {
		return "", ErrWeakPassword
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches hash.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// NewSecret returns a random URL-safe secret with n bytes of entropy and prefix.
func NewSecret(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("crypto/rand failed: " + err.Error()))
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash is how an API token is stored: its SHA-256, so that a leaked database
// does not leak usable tokens. Tokens are long random secrets, so no salt is needed.
func TokenHash(token string) string {
	s := sha256.Sum256([]byte(token))
	return hex.EncodeToString(s[:])
}
