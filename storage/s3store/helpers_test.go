package s3store_test

import (
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"papergate/storage/s3store"
)

// client is a plain minio-go client for what the store does not offer.
func client(t testing.TB, cfg s3store.Config) *minio.Client {
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func removeBucket(t testing.TB, cfg s3store.Config) error {
	return client(t, cfg).RemoveBucket(t.Context(), cfg.Bucket)
}
