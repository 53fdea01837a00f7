import { useState, type FormEvent, type ReactNode } from 'react';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { api, type DocumentList, type HistoryEvent, type HistoryFilters, type HistoryPage as HistoryPageData } from '../api.js';
import { useI18n } from '../i18n.js';
import { Link, currentLocation } from '../router.js';
import { useSession } from '../session.js';
import { ErrorSummary, LoadState, Page, problemOf, useLoad, type Problem } from '../ui.js';

const KINDS: readonly HistoryEvent['kind'][] = ['read', 'search', 'deposit', 'change', 'consent', 'emergency', 'refusal', 'other'];

function EventItem({ e }: { e: HistoryEvent }): ReactNode {
  const { t, dateTime } = useI18n();
  const cls = e.refused ? 'portal-history-event portal-history-event--alert' : e.emergency ? 'portal-history-event portal-history-event--emergency' : 'portal-history-event';
  return (
    <li className={cls}>
      <p className="fr-mb-1v">
        {e.emergency && (
          <Badge severity="warning" small>
            {t('history.emergency')}
          </Badge>
        )}{' '}
        {e.refused && (
          <Badge severity="error" small>
            {t('history.refused')}
          </Badge>
        )}
      </p>
      <p className="fr-mb-1v">{e.sentence}</p>
      <p className="fr-hint-text fr-mb-0">
        <time dateTime={e.at}>{dateTime(e.at)}</time>
        {e.documentId && e.documentTitle && (
          <>
            {' · '}
            <Link href={`/documents/${encodeURIComponent(e.documentId)}`}>{e.documentTitle}</Link>
          </>
        )}
      </p>
    </li>
  );
}

export function HistoryPage(): ReactNode {
  const { t, dateTime, date } = useI18n();
  const { ins } = useSession();
  // ?document=<id> (from a document's page) starts the history filtered on that document
  const [draft, setDraft] = useState<HistoryFilters>(() => ({ person: '', document: currentLocation().search.get('document') ?? '', kind: '' }));
  const documents = useLoad<DocumentList>(() => api.documents(ins ?? '', { count: 200 }), [ins]);
  const [filters, setFilters] = useState<HistoryFilters>(draft);
  const loaded = useLoad<HistoryPageData>(() => api.history(ins ?? '', filters), [ins, filters]);
  const [older, setOlder] = useState<{ events: readonly HistoryEvent[]; cursor?: string } | undefined>();
  const [moreProblem, setMoreProblem] = useState<Problem | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);

  const apply = (e: FormEvent): void => {
    e.preventDefault();
    setOlder(undefined);
    setFilters({ ...draft });
  };
  const more = async (cursor: string): Promise<void> => {
    setLoadingMore(true);
    try {
      const page = await api.history(ins ?? '', { ...filters, cursor });
      setOlder((o) => ({ events: [...(o?.events ?? []), ...page.events], ...(page.nextCursor ? { cursor: page.nextCursor } : {}) }));
      setMoreProblem(undefined);
    } catch (err) {
      setMoreProblem(problemOf(err, t));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <Page title={t('history.title')} lead={t('history.intro')}>
      <LoadState loaded={loaded}>
        {(page) => {
          const events = [...page.events, ...(older?.events ?? [])];
          const cursor = older ? older.cursor : page.nextCursor;
          const i = page.integrity;
          return (
            <>
              {i.ok ? (
                <Alert role={undefined} severity="success" title={t('history.integrity.ok')} description={t('history.integrity.okText', { n: i.entries, date: dateTime(i.checkedAt) })} as="h2" className="fr-mb-4w" />
              ) : (
                <Alert role={undefined}
                  severity="error"
                  title={t('history.integrity.bad')}
                  description={t('history.integrity.badText', { date: dateTime(i.checkedAt), problem: i.problem ?? '' })}
                  as="h2"
                  className="fr-mb-4w"
                />
              )}
              <form onSubmit={apply} aria-labelledby="history-filters" className="fr-mb-4w">
                <h2 id="history-filters" className="fr-h5">
                  {t('history.filters')}
                </h2>
                <div className="fr-grid-row fr-grid-row--gutters">
                  <div className="fr-col-12 fr-col-md-4">
                    <Input label={t('history.filter.person')} nativeInputProps={{ id: 'history-person', value: draft.person ?? '', onChange: (e) => setDraft((d) => ({ ...d, person: e.target.value })) }} />
                  </div>
                  <div className="fr-col-12 fr-col-md-4">
                    <Select label={t('history.filter.document')} nativeSelectProps={{ id: 'history-document', value: draft.document ?? '', onChange: (e) => setDraft((d) => ({ ...d, document: e.target.value })) }}>
                      <option value="">{t('history.filter.allDocuments')}</option>
                      {(documents.data?.documents ?? []).map((d) => (
                        <option key={d.id} value={d.id}>
                          {d.date ? `${d.title} (${date(d.date)})` : d.title}
                        </option>
                      ))}
                    </Select>
                  </div>
                  <div className="fr-col-12 fr-col-md-4">
                    <Select label={t('history.filter.kind')} nativeSelectProps={{ id: 'history-kind', value: draft.kind ?? '', onChange: (e) => setDraft((d) => ({ ...d, kind: e.target.value })) }}>
                      <option value="">{t('history.kind.all')}</option>
                      {KINDS.map((k) => (
                        <option key={k} value={k}>
                          {t(`history.kind.${k}`)}
                        </option>
                      ))}
                    </Select>
                  </div>
                </div>
                <Button type="submit" iconId="fr-icon-filter-line" className="fr-mt-2w">
                  {t('docs.filter.apply')}
                </Button>
              </form>
              <h2 id="history-list">{t('history.list')}</h2>
              {events.length === 0 ? (
                <p>{t('history.empty')}</p>
              ) : (
                <ul className="portal-list-plain" aria-labelledby="history-list">
                  {events.map((e) => (
                    <EventItem key={e.id} e={e} />
                  ))}
                </ul>
              )}
              <ErrorSummary problem={moreProblem} labels={{}} />
              {cursor && (
                <Button priority="secondary" onClick={() => void more(cursor)} disabled={loadingMore}>
                  {t('history.more')}
                </Button>
              )}
            </>
          );
        }}
      </LoadState>
    </Page>
  );
}
