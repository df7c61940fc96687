package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"papergate/review"
)

// cmdUser manages accounts: `papergate user add --name N --role R [--password-stdin]`.
func cmdUser(ctx context.Context, args []string, std stdio) error {
	if len(args) == 0 || args[0] != "add" {
		return usageErrorf("papergate user add --name N --role clerk|reviewer|supervisor|admin [--password-stdin]")
	}
	var name, role string
	var fromStdin bool
	cfg, rest, err := loadConfig("user add", args[1:], std, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "login name")
		fs.StringVar(&role, "role", "", "clerk, reviewer, supervisor or admin")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of stdin instead of generating one")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 || name == "" || !review.Role(role).Valid() {
		return usageErrorf("papergate user add --name N --role clerk|reviewer|supervisor|admin [--password-stdin]")
	}
	pw := ""
	if fromStdin {
		line, err := bufio.NewReader(std.in).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	} else {
		pw = review.NewSecret("", 15)
	}
	hash, err := review.HashPassword(pw)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, cfg.logger(stdio{err: discard{}}))
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.db.CreateUser(ctx, name, review.Role(role), hash)
	if errors.Is(err, review.ErrConflict) {
		return fmt.Errorf("user %q exists already", name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(std.out, "created user %q (%s)\n", u.Name, u.Role)
	if !fromStdin {
		fmt.Fprintf(std.out, "password: %s\n", pw)
	}
	return nil
}

// cmdToken: `papergate token create --user N` prints a new API token as its last line.
func cmdToken(ctx context.Context, args []string, std stdio) error {
	if len(args) == 0 || args[0] != "create" {
		return usageErrorf("papergate token create --user N")
	}
	var name string
	cfg, rest, err := loadConfig("token create", args[1:], std, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "user", "", "the user the token acts as")
	})
	if err != nil {
		return err
	}
	if len(rest) > 0 || name == "" {
		return usageErrorf("papergate token create --user N")
	}
	a, err := openApp(ctx, cfg, cfg.logger(stdio{err: discard{}}))
	if err != nil {
		return err
	}
	defer a.Close()
	u, _, err := a.db.UserByName(ctx, name)
	if errors.Is(err, review.ErrNotFound) {
		return fmt.Errorf("no user %q (papergate user add creates one)", name)
	}
	if err != nil {
		return err
	}
	token, err := a.db.CreateToken(ctx, u.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(std.out, "API token for %q (%s); send it as Authorization: Bearer <token>:\n%s\n", u.Name, u.Role, token)
	return nil
}
