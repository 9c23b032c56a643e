// A photo of a case, for staff entitled to the case. Served as the image type found in its
// bytes, never sniffed, sandboxed and not cached, so that a file made to look like an image
// cannot run as a page of this site.
import type { FastifyInstance } from 'fastify';
import type { StaffPhotos } from './case-photo.ts';

const extensions = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' } as const;

export async function photoRoutes(app: FastifyInstance, { photos }: { photos: StaffPhotos }) {
  app.get<{ Params: { id: string; photo: string } }>('/cases/:id/photos/:photo', async (request, reply) => {
    const photo = await photos.casePhoto(request.actor, request.params.id, request.params.photo, request.id);
    return reply
      .type(photo.contentType)
      .header('content-disposition', `inline; filename="photo.${extensions[photo.contentType]}"`)
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(photo.bytes);
  });
}
