Feature: What a wallet does, as the merchant sees it on the wire
  The kit plays the merchant server and the payer against a wallet that offers none of the
  kit's extensions: notifications are checked as the kit's merchant received them (content,
  signature, how many and when), rules about time run in real time on the retry schedule and
  the authorization validity the wallet's profile declares, and a second test merchant must
  not reach the first one's payments (docs/protocol.md, "notifyPayment", "Lifecycles", "orderStr",
  "Signing"; docs/hooks.md).

  @wallet @reference-merchant @flow-tradeNO @REQ-WAL-001 @step-13 @step-17 @step-18
  Scenario: A SUCCESS notification carries the payment's ids, exact amount and paymentTime
    Given the merchant has created an order for "12.34 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant receives the wallet's "SUCCESS" notification of the payment

  @wallet @reference-merchant @flow-tradeNO @REQ-WAL-001 @step-13 @step-17 @step-18
  Scenario: A notification keeps the minor units of a 3-decimal currency
    Given the merchant has created an order for "1.500 KWD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant receives the wallet's "SUCCESS" notification of the payment

  @wallet @reference-merchant @flow-tradeNO @preauth @REQ-WAL-001 @step-13 @step-17 @step-18 @realtime
  Scenario: A granted freeze is notified AUTH_SUCCESS with paymentTime where the profile declares it
    Given the merchant has created a pre-authorization for "40.00 USD" paid by tradeNO
    When the payer authorizes the pre-authorization in the wallet
    Then the merchant receives the wallet's "AUTH_SUCCESS" notification of the payment, if the profile declares one

  @wallet @reference-merchant @flow-orderStr @REQ-WAL-001 @step-2.3
  Scenario: An orderStr payment's SUCCESS notification carries its ids, exact amount and paymentTime
    Given the merchant has created an order for "1000 JPY" paid by orderStr
    When the payer confirms the payment in the wallet
    Then the merchant receives the wallet's "SUCCESS" notification of the payment
    And the notification is signed by the wallet under the merchant's client id

  @wallet @reference-merchant @flow-orderStr @flow-preauth @REQ-PRE-007 @step-10 @step-11 @step-12
  Scenario: A declined freeze orderStr is notified FAIL on the wire
    Given the merchant has created a pre-authorization for "1.500 KWD" paid by orderStr
    When the payer's wallet declines the payment
    Then the mini program gets result code 4000
    And the merchant receives the wallet's "FAIL" notification of the payment
    And the notification is signed by the wallet under the merchant's client id

  @wallet @reference-merchant @flow-tradeNO @REQ-GEN-007 @step-13 @step-17 @step-18
  Scenario: A declined payment is notified FAIL on the wire
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer's wallet declines the payment
    Then the mini program gets result code 4000
    And the merchant receives the wallet's "FAIL" notification of the payment

  @wallet @reference-merchant @flow-tradeNO @REQ-WAL-002 @step-17 @step-18
  Scenario: A notification is signed by the wallet under the payment's client id
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant receives the wallet's "SUCCESS" notification of the payment
    And the notification is signed by the wallet under the merchant's client id

  @wallet @reference-merchant @flow-tradeNO @REQ-GEN-004 @step-17 @step-18 @realtime
  Scenario: A notification the merchant acknowledged is not sent again
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant receives the payment's notification once

  @wallet @reference-merchant @flow-tradeNO @REQ-NTF-001 @step-17 @step-18 @realtime
  Scenario: The wallet retries after U and unrecognised answers on its declared schedule and stops on S
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the merchant will answer the next notifications with "U, GARBAGE"
    When the payer confirms the payment in the wallet
    Then the wallet retries on its declared schedule until the merchant answers S after 2 refusals

  @wallet @reference-merchant @flow-tradeNO @should @REQ-NTF-006 @step-17 @step-18 @realtime
  Scenario: The wallet should retry after an F answer on its declared schedule
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the merchant will answer the next notifications with "F"
    When the payer confirms the payment in the wallet
    Then the wallet should retry on its declared schedule until the merchant answers S after 1 refusals

  @wallet @reference-merchant @flow-tradeNO @REQ-NTF-001 @step-17 @step-18 @realtime
  Scenario: The wallet retries after an HTTP 500 on its declared schedule and stops on S
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the merchant will answer the next notifications with "HTTP_500"
    When the payer confirms the payment in the wallet
    Then the wallet retries on its declared schedule until the merchant answers S after 1 refusals

  @wallet @reference-merchant @flow-tradeNO @REQ-GEN-013 @step-16 @step-17 @realtime
  Scenario: A merchant's cancel is not notified
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the kit cancels the payment
    Then the wallet confirms the cancellation
    And the wallet reports the payment as "CANCELLED"
    And the merchant receives no notification of the payment
    When the kit cancels the payment
    Then the wallet repeats its confirmation of the cancel, or refuses it
    And the wallet reports the payment as "CANCELLED"

  @wallet @reference-merchant @flow-tradeNO @REQ-GEN-013 @step-13 @step-16 @step-17
  Scenario: A cancel of a paid payment sent straight to the wallet changes nothing
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the payer confirms the payment in the wallet
    When the kit cancels the payment
    Then the wallet refuses the cancel
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @wallet @reference-merchant @wallet-api @REQ-GEN-014 @step-4 @step-5 @step-17 @step-18 @realtime
  Scenario: A payment not paid by its paymentExpiryTime is closed, and notified FAIL where the profile declares it
    Given the kit has asked the wallet for a payment of "10.00 USD" that expires in 2 seconds
    Then the wallet closes the payment at its deadline
    And the merchant receives the wallet's "FAIL" notification of the payment, if the profile declares one
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000

  @wallet @wallet-api @preauth @REQ-PRE-002 @step-16 @step-17
  Scenario: An authorization expires after the validity the wallet declares
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    Then the wallet reports the authorization expiring its declared validity after it was granted

  @wallet @wallet-api @preauth @REQ-PRE-008 @step-16 @step-17 @realtime
  Scenario: An authorization is not capturable once its declared validity passed
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the authorization's declared validity passes
    And the kit captures "10.00 USD" as the last capture
    Then the wallet refuses with "AUTHORIZATION_EXPIRED"

  @wallet @reference-merchant @flow-orderStr @REQ-WAL-003 @step-1.1.2.1 @step-2.3
  Scenario: An orderStr without notify_url is notified to the merchant's registered notify URL
    Given the wallet has the merchant's notify URL registered
    And the kit has signed an orderStr for "10.00 USD" with "no method"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the merchant receives the wallet's "SUCCESS" notification of the payment

  @wallet @flow-orderStr @REQ-WAL-004 @step-1.1.2.1 @step-2.2
  Scenario Outline: The wallet accepts an orderStr with <variant>
    Given the kit has signed an orderStr for "0.02 CNY" with "<variant>"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the wallet reports the payment as "SUCCESS" for "0.02 CNY"

    Examples:
      | variant       |
      | sign_type RSA |
      | charset GBK   |
      | no method     |

  @wallet @flow-orderStr @REQ-WAL-004 @step-1.1.2.1 @step-2.2
  Scenario: An out_trade_no reused with other content is not paid
    Given the kit has signed an orderStr for "5.00 USD" with "sign_type RSA"
    And the payer cancels the payment in the wallet
    And the kit has signed another orderStr for "6.00 USD" with the same out_trade_no
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
    And the wallet reports the payment as "PROCESSING" for "5.00 USD"

  @wallet @wallet-api @REQ-WAL-005 @step-4 @step-17
  Scenario Outline: Another merchant cannot see a payment by its <id>
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When another merchant asks the wallet about the payment by "<id>"
    Then the wallet refuses the other merchant

    Examples:
      | id               |
      | paymentId        |
      | paymentRequestId |

  @wallet @wallet-api @REQ-WAL-005 @step-4 @step-16
  Scenario: Another merchant cannot cancel a payment
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the wallet accepts the payment request
    When another merchant tries to cancel the payment
    Then the wallet refuses the other merchant
    And the wallet reports the payment as "PROCESSING" for "10.00 USD"

  @wallet @flow-tradeNO @REQ-HOOK-W-001 @step-9 @step-10 @step-11 @step-12 @step-13
  Scenario Outline: tradePay answers <action> with <code>
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer does "<action>" in the wallet
    Then the mini program gets result code <code>

    Examples:
      | action        | code |
      | CONFIRM       | 9000 |
      | CANCEL        | 6001 |
      | DECLINE       | 4000 |
      | NETWORK_ERROR | 6002 |
      | UNKNOWN       | 6004 |
      | PENDING       | 8000 |

  @wallet @REQ-HOOK-W-002 @step-9 @step-10 @step-11
  Scenario Outline: tradePay with an unknown <token> answers 4000
    When the payer confirms a payment with an unknown "<token>"
    Then the mini program gets result code 4000

    @flow-tradeNO
    Examples:
      | token   |
      | tradeNO |

    @flow-paymentUrl
    Examples:
      | token       |
      | payment URL |

    @flow-orderStr
    Examples:
      | token    |
      | orderStr |

  @wallet @REQ-HOOK-W-003 @step-9 @step-10
  Scenario Outline: A tradePay request with <defect> answers HTTP 400
    When the payer's app sends the wallet a tradePay request with "<defect>"
    Then the wallet's test control answers HTTP 400

    Examples:
      | defect            |
      | malformed JSON    |
      | no token          |
      | two tokens        |
      | an unknown action |
      | no action         |

  @wallet @reference-merchant @flow-tradeNO @REQ-NTF-002 @step-17 @step-18 @realtime
  Scenario: After the last attempt of its declared schedule the wallet gives up, and the payment is still found
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the merchant will answer every notification with "U"
    When the payer confirms the payment in the wallet
    Then the wallet gives up after the last attempt of its declared schedule
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @wallet @reference-merchant @flow-tradeNO @preauth @REQ-PRE-003 @step-13 @step-16 @step-17 @realtime
  Scenario: Settling the exact fee captures all of it and sends no notification the profile does not declare
    Given the merchant has created a pre-authorization for "20.00 USD" paid by tradeNO
    And the payer authorizes the pre-authorization in the wallet
    And the merchant's order becomes "AUTHORIZED"
    When the merchant settles the order for "20.00 USD"
    Then the merchant's order is "CAPTURED"
    And the wallet reports the payment as "SUCCESS" for "20.00 USD"
    And the merchant receives no notifications but those the profile declares for a granted and captured authorization

  @wallet @wallet-api @preauth @REQ-PRE-004 @step-16 @step-17
  Scenario: A last capture below the authorization releases the rest: nothing more can be captured
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "15.00 USD" as the last capture
    Then the wallet confirms the capture of "15.00 USD"
    And the wallet reports the payment as "SUCCESS" for "40.00 USD"
    When the kit captures "1.00 USD" as the last capture
    Then the wallet refuses with "ORDER_IS_CLOSED"

  @wallet @wallet-api @preauth @REQ-PRE-005 @step-16 @step-17
  Scenario: A non-final capture keeps the rest capturable, and the final one takes no more than the rest
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "10.00 USD" and keeps the rest authorized
    Then the wallet confirms the capture of "10.00 USD"
    When the kit captures "30.01 USD" as the last capture
    Then the wallet refuses with "CAPTURE_AMOUNT_EXCEED"
    When the kit captures "30.00 USD" as the last capture
    Then the wallet confirms the capture of "30.00 USD"
    When the kit captures "0.01 USD" as the last capture
    Then the wallet refuses with "ORDER_IS_CLOSED"

  @wallet @wallet-api @preauth @REQ-PRE-007 @step-5 @step-10 @step-16
  Scenario: An authorization the payer leaves is still waiting; a declined one is closed and not capturable
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD"
    When the payer cancels on the pre-authorization page
    Then the mini program gets result code 6001
    And the wallet reports the payment as "PROCESSING" for "40.00 USD"
    When the payer's wallet declines the payment
    Then the mini program gets result code 4000
    And the wallet reports the payment as "FAIL"
    When the kit captures the whole authorization
    Then the wallet refuses the capture

  @wallet @wallet-api @preauth @REQ-PRE-012 @step-5 @step-10 @realtime
  Scenario: A pre-authorization not authorized by its deadline is closed and cannot be authorized
    Given the kit has asked the wallet for a pre-authorization of "40.00 USD" that expires in 2 seconds
    Then the wallet closes the payment at its deadline
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 4000
    When the kit captures the whole authorization
    Then the wallet refuses the capture

  @wallet @wallet-api @preauth @refunds @REQ-REF-002 @step-16 @step-17
  Scenario: A captured amount is refunded in full, and no further
    Given the kit has asked the wallet for a pre-authorization of "20.00 USD"
    And the payer authorizes the pre-authorization in the wallet
    And the kit captures "12.00 USD" as the last capture
    When the kit refunds "12.00 USD"
    Then the wallet confirms the refund of "12.00 USD"
    When the kit refunds "0.01 USD"
    Then the wallet refuses with "REFUND_AMOUNT_EXCEED"

  @wallet @wallet-api @refunds @REQ-REF-004 @step-4 @step-13
  Scenario: A general payment is refunded in two parts up to its price and no further
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer confirms the payment in the wallet
    When the kit refunds "4.00 USD"
    Then the wallet confirms the refund of "4.00 USD"
    When the kit refunds "6.00 USD"
    Then the wallet confirms the refund of "6.00 USD"
    When the kit refunds "0.01 USD"
    Then the wallet refuses with "REFUND_AMOUNT_EXCEED"
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @wallet @flow-orderStr @REQ-GEN-018 @step-1.1.2.1
  Scenario: An orderStr without sign is refused and creates no payment
    Given the kit has signed an orderStr for "5.00 USD" with "no sign"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 4000
    And the wallet has no payment for that request

  @wallet @flow-orderStr @should @REQ-WAL-007 @step-1.1.2.1
  Scenario Outline: An orderStr with <variant>, outside what the protocol lists, should be refused
    Given the kit has signed an orderStr for "5.00 USD" with "<variant>"
    When the payer confirms the payment in the wallet
    Then the mini program should get result code 4000
    And the wallet should have no payment for that request

    Examples:
      | variant                                |
      | version 2.0                            |
      | a timestamp not in yyyy-MM-dd HH:mm:ss |
      | pay_timeout 16d                        |

  @wallet @flow-tradeNO @REQ-HOOK-W-002 @step-9 @step-10 @step-11 @step-12 @step-13
  Scenario Outline: tradePay <action> on a payment no longer waiting for the payer answers 4000
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the payer confirms the payment in the wallet
    When the payer does "<action>" in the wallet
    Then the mini program gets result code 4000
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

    Examples:
      | action        |
      | CONFIRM       |
      | CANCEL        |
      | DECLINE       |
      | NETWORK_ERROR |
      | UNKNOWN       |
      | PENDING       |

  @wallet @wallet-api @REQ-GEN-007 @step-13 @step-16 @step-17
  Scenario: A declined payment cannot be cancelled
    Given the kit asks the wallet for a payment of "10.00 USD"
    And the payer's wallet declines the payment
    Then the mini program gets result code 4000
    When the kit cancels the payment
    Then the wallet refuses the cancel of the closed payment
    And the wallet reports the payment as "FAIL" for "10.00 USD"

  @wallet @flow-orderStr @REQ-GEN-016 @step-1.1.2.1 @step-2.2
  Scenario Outline: An orderStr charges its total_amount in the minor units of its currency, in <currency>
    Given the kit has signed an orderStr for "<amount>" with "a non-ASCII title"
    When the payer confirms the payment in the wallet
    Then the mini program gets result code 9000
    And the wallet reports the payment as "SUCCESS" for "<amount>"

    Examples:
      | currency | amount    |
      | CNY      | 0.02 CNY  |
      | JPY      | 1000 JPY  |
      | KWD      | 1.500 KWD |

  @wallet @flow-orderStr @preauth @REQ-PRE-001 @step-5 @step-10 @step-16 @step-17
  Scenario Outline: A freeze orderStr freezes its amount in the minor units of its currency, in <currency>
    Given the kit has signed a freeze orderStr for "<amount>" that expires in 2 days
    When the payer authorizes the pre-authorization in the wallet
    Then the mini program gets result code 9000
    And the wallet reports the payment as "AUTH_SUCCESS" for "<amount>"
    When the kit captures the whole authorization
    Then the wallet confirms the capture of "<amount>"

    Examples:
      | currency | amount    |
      | JPY      | 1000 JPY  |
      | KWD      | 1.500 KWD |

  @wallet @flow-orderStr @preauth @REQ-PRE-008 @step-5 @step-10 @step-16 @step-17 @realtime
  Scenario: A freeze orderStr's authorization is not capturable once its declared validity passed
    Given the kit has signed a freeze orderStr for "40.00 USD" that expires in 2 days
    And the payer authorizes the pre-authorization in the wallet
    When the kit captures "10.00 USD" and keeps the rest authorized
    And the authorization's declared validity passes
    And the kit captures "10.00 USD" as the last capture
    Then the wallet refuses with "AUTHORIZATION_EXPIRED"
    And the wallet holds "0.00 USD" frozen, "10.00 USD" captured and "30.00 USD" released
