package io.mcst.stores.s3;

import java.io.InputStream;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Makes S3Proxy's file-tree blob store behave like S3's flat namespace. Its backend keeps {@code a/b} as file
 * {@code b} in directory {@code a}, so objects {@code a} and {@code a/b} cannot coexist there, though S3
 * allows both. Storing every {@code /} as a private-use character flattens the tree; the S3 protocol on the
 * wire is untouched. Covers the single-request calls S3Store makes; multipart uploads are not flattened
 * (S3Proxy resolves their parts by the original name), so multipart tests use keys without {@code /}.
 */
final class FlatNamesBlobStore extends ForwardingBlobStore {
    private static final char SLASH_STANDIN = '\uE000';

    FlatNamesBlobStore(BlobStore delegate) {
        super(delegate);
    }

    private static String flat(String key) {
        return key == null ? null : key.replace('/', SLASH_STANDIN);
    }

    private static String tree(String key) {
        return key == null ? null : key.replace(SLASH_STANDIN, '/');
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        return super.putBlob(request.toBuilder().key(flat(request.key())).build(), content);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        return super.getBlob(request.toBuilder().key(flat(request.key())).build());
    }

    @Override
    public HeadObjectResponse blobMetadata(HeadObjectRequest request) {
        return super.blobMetadata(request.toBuilder().key(flat(request.key())).build());
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest request) {
        return super.removeBlob(request.toBuilder().key(flat(request.key())).build());
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        if (request.delimiter() != null) {
            throw new UnsupportedOperationException("listing with a delimiter is not flattened");
        }
        ListObjectsV2Response response = super.list(request.toBuilder().prefix(flat(request.prefix()))
                .startAfter(flat(request.startAfter())).build());
        return response.toBuilder()
                .prefix(request.prefix())
                .contents(response.contents().stream().map(o -> o.toBuilder().key(tree(o.key())).build()).toList())
                .build();
    }
}
