package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/api"
	"peerchain/final/node"
)

// WalletFile is a wallet's key file in the data directory, unless
// --wallet names another.
const WalletFile = "wallet.key"

// defaultFeeRate is what a transfer pays a byte unless --fee says: twice
// the least a node's mempool takes, so that it can be replaced once
// (chapter 07's bump) and still be relayed.
const defaultFeeRate = 2 * transactions.DefaultMinFeeRate

// walletChain is the network transfers are signed for: the one the node
// runs.
var walletChain = wire.DevNet

// The flags the wallet's commands share.
var (
	walletFileFlag = &cli.StringFlag{Name: "wallet", EnvVars: []string{"PEERCHAIN_WALLET"},
		Usage: "the key `FILE` (default: " + WalletFile + " in --datadir)"}
	walletDirFlag = &cli.StringFlag{Name: "datadir", EnvVars: []string{"PEERCHAIN_DATADIR"},
		DefaultText: "$HOME/.peerchain",
		Usage:       "the data `DIR`: the key's file, and the node to ask (its node.json and api.cookie)"}
	walletAPIFlag = &cli.StringFlag{Name: "api", EnvVars: []string{"PEERCHAIN_API"},
		Usage: "the node's API `IP:PORT` (default: the one its --datadir names)"}
)

var walletCommand = &cli.Command{
	Name:  "wallet",
	Usage: "make a key, show its address and balance, send a transfer",
	Description: "A wallet is a key file: ed25519, readable by you only. balance and send ask\n" +
		"a running node, found as `peerchain status` finds it (--api, or the node.json\n" +
		"in --datadir); send takes the node's token from api.cookie in --datadir.\n\n" +
		"   peerchain wallet new --datadir /tmp/a\n" +
		"   peerchain wallet send --datadir /tmp/a --to pc1... --amount 5\n\n" +
		"The devnet writes its funded wallets' keys to DIR/wallets: use them with --wallet.",
	HideHelpCommand: true,
	Subcommands: []*cli.Command{walletNewCommand, walletAddressCommand,
		walletBalanceCommand, walletSendCommand},
}

var walletNewCommand = &cli.Command{
	Name:   "new",
	Usage:  "make a new key, in a file only you can read",
	Before: setColor,
	Flags:  []cli.Flag{walletFileFlag, walletDirFlag, noColorFlag},
	Action: func(c *cli.Context) error {
		path := walletPath(c)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		k, err := transactions.GenerateKey(crand.Reader)
		if err != nil {
			return err
		}
		if err := transactions.SaveKey(path, k); err != nil {
			if errors.Is(err, transactions.ErrKeyFileExists) {
				return fmt.Errorf("%w: it holds a key already, which a new one must not replace; "+
					"give --wallet another FILE", err)
			}
			return err
		}
		fmt.Fprintf(c.App.Writer, "new key in %s (only you can read it)\naddress %s\n", path, k.Address())
		return nil
	},
}

var walletAddressCommand = &cli.Command{
	Name:   "address",
	Usage:  "print the key's address, to be paid at",
	Before: setColor,
	Flags:  []cli.Flag{walletFileFlag, walletDirFlag, noColorFlag},
	Action: func(c *cli.Context) error {
		k, err := loadWallet(c)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.App.Writer, k.Address())
		return nil
	},
}

var walletBalanceCommand = &cli.Command{
	Name:      "balance",
	Usage:     "show an account as a node sees it: the key's, or ADDRESS's",
	ArgsUsage: "[ADDRESS]",
	Before:    setColor,
	Flags:     []cli.Flag{walletFileFlag, walletDirFlag, walletAPIFlag, noColorFlag},
	Action: func(c *cli.Context) error {
		var addr transactions.Address
		switch c.NArg() {
		case 0:
			k, err := loadWallet(c)
			if err != nil {
				return err
			}
			addr = k.Address()
		case 1:
			a, err := parseAddress("the address", c.Args().First())
			if err != nil {
				return err
			}
			addr = a
		default:
			return errors.New("balance takes one ADDRESS at most")
		}
		apiAddr, err := nodeAPI(c)
		if err != nil {
			return err
		}
		var acc api.Account
		if err := getJSON(c.Context, apiAddr, "/accounts/"+addr.String(), &acc); err != nil {
			return err
		}
		printAccount(c.App.Writer, acc)
		return nil
	},
}

var walletSendCommand = &cli.Command{
	Name:  "send",
	Usage: "sign a transfer and hand it to a node",
	Description: "Asks the node for the key's next nonce, signs the transfer for the devnet,\n" +
		"and posts it to the node's API; prints its ID once the node's mempool took it.",
	Before: setColor,
	Flags: []cli.Flag{walletFileFlag, walletDirFlag, walletAPIFlag,
		&cli.StringFlag{Name: "to", EnvVars: []string{"PEERCHAIN_TO"}, Required: true,
			Usage: "the `ADDRESS` to pay (pc1...; required)"},
		&cli.Uint64Flag{Name: "amount", EnvVars: []string{"PEERCHAIN_AMOUNT"}, Required: true,
			DefaultText: "required", Usage: "how much to pay, `N` units"},
		&cli.Uint64Flag{Name: "fee", EnvVars: []string{"PEERCHAIN_FEE"},
			DefaultText: fmt.Sprintf("%d a byte of the transfer", defaultFeeRate),
			Usage:       "the fee, `N` units, for whoever puts it in a block"},
		&cli.StringFlag{Name: "memo", EnvVars: []string{"PEERCHAIN_MEMO"},
			Usage: fmt.Sprintf("a note for the recipient, `TEXT` of at most %d bytes", transactions.MaxMemo)},
		&cli.BoolFlag{Name: "dry-run", EnvVars: []string{"PEERCHAIN_DRY_RUN"},
			Usage: "print the signed transfer's hex, for POST /api/v1/tx, instead of sending it"},
		noColorFlag,
	},
	Action: runSend,
}

func runSend(c *cli.Context) error {
	to, err := parseAddress("--to", c.String("to"))
	if err != nil {
		return err
	}
	tx := &transactions.Tx{Chain: walletChain, To: to, Amount: c.Uint64("amount"),
		Memo: []byte(c.String("memo"))}
	if tx.Amount == 0 {
		return errors.New("--amount 0: a transfer must move something")
	}
	if len(tx.Memo) > transactions.MaxMemo {
		return fmt.Errorf("--memo: %d bytes, at most %d", len(tx.Memo), transactions.MaxMemo)
	}
	k, err := loadWallet(c)
	if err != nil {
		return err
	}
	apiAddr, err := nodeAPI(c)
	if err != nil {
		return err
	}
	var token string
	if !c.Bool("dry-run") {
		if token, err = api.ReadCookie(filepath.Join(dataDir(c), api.CookieFile)); err != nil {
			return fmt.Errorf("send needs the node's API token, from --datadir: %w", err)
		}
	}
	var acc api.Account
	if err := getJSON(c.Context, apiAddr, "/accounts/"+k.Address().String(), &acc); err != nil {
		return err
	}
	tx.Nonce = acc.NextNonce
	tx.Fee = c.Uint64("fee")
	if !c.IsSet("fee") {
		tx.Fee = defaultFeeRate * uint64(tx.Size())
	}
	tx.Sign(k)
	raw, err := tx.Bytes()
	if err != nil {
		return err
	}
	if c.Bool("dry-run") {
		fmt.Fprintln(c.App.Writer, hex.EncodeToString(raw))
		return nil
	}
	var got api.TxAccepted
	if err := postJSON(c.Context, apiAddr, "/tx", token, api.TxRequest{Tx: hex.EncodeToString(raw)}, &got); err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintf(w, "sent %s\n", got.ID)
	fmt.Fprintf(w, "  from    %s\n  to      %s\n", tx.Sender(), tx.To)
	fmt.Fprintf(w, "  amount  %d, fee %d (%d bytes), nonce %d\n", tx.Amount, tx.Fee, tx.Size(), tx.Nonce)
	return nil
}

// walletPath is --wallet, or wallet.key in the data directory.
func walletPath(c *cli.Context) string {
	if p := c.String("wallet"); p != "" {
		return p
	}
	return filepath.Join(dataDir(c), WalletFile)
}

// loadWallet reads the key, saying where to make one if there is none.
func loadWallet(c *cli.Context) (transactions.Key, error) {
	path := walletPath(c)
	k, err := transactions.LoadKey(path)
	if errors.Is(err, os.ErrNotExist) {
		return k, fmt.Errorf("no key at %s: make one with `peerchain wallet new`, or give --wallet FILE", path)
	}
	return k, err
}

// parseAddress reads an address a user typed, saying plainly when the
// checksum caught a mistake.
func parseAddress(what, s string) (transactions.Address, error) {
	a, err := transactions.ParseAddress(s)
	if errors.Is(err, transactions.ErrBech32Checksum) {
		return a, fmt.Errorf("%s %s: the checksum failed: a character is wrong or missing; "+
			"copy the address again (%w)", what, s, err)
	}
	if err != nil {
		return a, fmt.Errorf("%s: %w", what, err)
	}
	return a, nil
}

// nodeAPI is --api, or the API the node in --datadir says it serves.
func nodeAPI(c *cli.Context) (string, error) {
	if a := c.String("api"); a != "" {
		return a, nil
	}
	e, err := node.ReadEndpoints(dataDir(c))
	if err != nil {
		return "", fmt.Errorf("no --api given, and %w", err)
	}
	return e.API, nil
}

// printAccount prints an account as a node sees it.
func printAccount(w io.Writer, a api.Account) {
	fmt.Fprintln(w, a.Address)
	fmt.Fprintf(w, "  balance     %d\n", a.Balance)
	fmt.Fprintf(w, "  pending     %d, spending %d\n", a.Pending, a.Balance-a.Spendable)
	fmt.Fprintf(w, "  spendable   %d\n", a.Spendable)
	fmt.Fprintf(w, "  nonce       %d confirmed, next %d\n", a.Nonce, a.NextNonce)
}

// postJSON posts v to an API path with the token, and decodes a 2xx
// answer into out; any other answer is an error quoting the node.
func postJSON(ctx context.Context, addr, path, token string, v, out any) error {
	return callJSON(ctx, "POST", addr, path, token, v, out)
}

// callJSON is postJSON with another method: v nil sends no body.
func callJSON(ctx context.Context, method, addr, path, token string, v, out any) error {
	var body io.Reader
	if v != nil {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	url := "http://" + addr + api.Version + path
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return fmt.Errorf("--api %q: %w", addr, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("no node answers at %s: %w (is it running? see --api and --datadir)", addr, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxStatusBody))
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	if resp.StatusCode/100 != 2 {
		var e api.Error
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			return fmt.Errorf("the node refused it: %s: %s", resp.Status, e.Error)
		}
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: not the API's JSON: %w", url, err)
	}
	return nil
}
