import { describe, expect, it } from 'vitest';
import { instantRunoff } from '@/lib/irv';
import { roundsCsv } from '@/lib/ranked-csv';

const lines = (csv: string) => csv.split('\r\n').slice(0, -1);

describe('roundsCsv', () => {
  it('Tennessee: one row per round and continuing option, CRLF ends', () => {
    const options = [
      { key: 'memphis', label: 'Memphis' },
      { key: 'nashville', label: 'Nashville' },
      { key: 'chattanooga', label: 'Chattanooga' },
      { key: 'knoxville', label: 'Knoxville' },
    ];
    const result = instantRunoff(
      options.map((o) => o.key),
      [
        { ranking: ['memphis', 'nashville', 'chattanooga', 'knoxville'], ballots: 42 },
        { ranking: ['nashville', 'chattanooga', 'knoxville', 'memphis'], ballots: 26 },
        { ranking: ['chattanooga', 'knoxville', 'nashville', 'memphis'], ballots: 15 },
        { ranking: ['knoxville', 'chattanooga', 'nashville', 'memphis'], ballots: 17 },
      ],
    );
    const csv = roundsCsv(result, options);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(lines(csv)).toEqual([
      'round,continuing,exhausted,key,label,votes,eliminated',
      '1,100,0,memphis,Memphis,42,false',
      '1,100,0,nashville,Nashville,26,false',
      '1,100,0,chattanooga,Chattanooga,15,true',
      '1,100,0,knoxville,Knoxville,17,false',
      '2,100,0,memphis,Memphis,42,false',
      '2,100,0,nashville,Nashville,26,true',
      '2,100,0,knoxville,Knoxville,32,false',
      '3,100,0,memphis,Memphis,42,false',
      '3,100,0,knoxville,Knoxville,58,false',
    ]);
  });

  it('counts exhausted ballots', () => {
    const options = [
      { key: 'a', label: 'A' },
      { key: 'b', label: 'B' },
      { key: 'c', label: 'C' },
    ];
    const result = instantRunoff(
      ['a', 'b', 'c'],
      [
        { ranking: ['a'], ballots: 4 },
        { ranking: ['b'], ballots: 3 },
        { ranking: ['c'], ballots: 2 },
      ],
    );
    expect(lines(roundsCsv(result, options)).slice(4)).toEqual(['2,7,2,a,A,4,false', '2,7,2,b,B,3,false']);
  });

  it('quotes labels with commas and quotes, and neutralises formulas', () => {
    const options = [
      { key: 'x', label: '=HYPERLINK("http://evil")' },
      { key: 'y', label: 'Salt, "coarse"' },
    ];
    const result = instantRunoff(['x', 'y'], [{ ranking: ['y'], ballots: 1 }]);
    expect(lines(roundsCsv(result, options))).toEqual([
      'round,continuing,exhausted,key,label,votes,eliminated',
      `1,1,0,x,"'=HYPERLINK(""http://evil"")",0,false`,
      '1,1,0,y,"Salt, ""coarse""",1,false',
    ]);
  });

  it('without ballots: round 1 with zero votes', () => {
    const result = instantRunoff(['a', 'b'], []);
    expect(
      lines(
        roundsCsv(result, [
          { key: 'a', label: 'A' },
          { key: 'b', label: 'B' },
        ]),
      ),
    ).toEqual(['round,continuing,exhausted,key,label,votes,eliminated', '1,0,0,a,A,0,false', '1,0,0,b,B,0,false']);
  });
});
