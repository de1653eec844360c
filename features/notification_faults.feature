@flow-tradeNO
Feature: Notifications that fail, come late, come twice, contradict, or never come
  The wallet retries every notification answered U, not at all, with an HTTP error or with
  something it does not recognise on its profile's schedule (default 0s, 2m, 10m, 10m, 1h, 2h,
  6h, 15h) and stops on S; after an F answer it should (wallet_truth.feature). The merchant is idempotent on paymentId,
  never lets a late or contradictory notification undo what the wallet reported, and finds
  the truth with inquiryPayment when no notification arrives (docs/protocol.md, "Lifecycles",
  "notifyPayment"). The wallet mock plays the faulty notifications (@wallet-mock); the kit's
  reference merchant plays the faulty answers (@reference-merchant) on the wallet's clock
  (@clock).

  @wallet @clock @wallet-mock @reference-merchant @REQ-NTF-001 @step-18
  Scenario Outline: The wallet retries after the merchant answers <answer>, on schedule, and stops on S
    Given the wallet has finished every earlier notification schedule
    And the merchant has created an order for "10.00 USD" paid by tradeNO
    And the merchant will answer the next notifications with "<answer>"
    When the payer confirms the payment in the wallet
    Then the wallet's notification attempt 1 ends "<answer>"
    And the merchant's order is "PENDING"
    When the wallet retries on its schedule up to attempt 2
    Then the wallet's notification attempt 2 ends "S"
    And the merchant's order is "PAID"
    And the wallet makes no further notification attempt

    Examples:
      | answer   |
      | HTTP_500 |
      | GARBAGE  |
      | U        |

    @realtime
    Examples: the wallet waits out its notify timeout
      | answer   |
      | TIMEOUT  |

  @wallet @clock @wallet-mock @reference-merchant @REQ-NTF-001 @step-18 @realtime
  Scenario: The wallet keeps retrying through every kind of failure until the merchant answers S
    Given the wallet has finished every earlier notification schedule
    And the merchant has created an order for "10.00 USD" paid by tradeNO
    And the merchant will answer the next notifications with "HTTP_500, TIMEOUT, GARBAGE, U"
    When the payer confirms the payment in the wallet
    And the wallet retries on its schedule up to attempt 5
    Then the wallet's notification attempts ended "HTTP_500, TIMEOUT, GARBAGE, U, S"
    And the merchant's order is "PAID"
    And the wallet makes no further notification attempt

  @wallet @clock @wallet-mock @reference-merchant @REQ-NTF-002 @step-17 @step-18 @step-19
  Scenario: The wallet gives up after its last retry and the merchant still finds the payment
    Given the wallet has finished every earlier notification schedule
    And the merchant has created an order for "10.00 USD" paid by tradeNO
    And the merchant will answer every notification with "HTTP_500"
    When the payer confirms the payment in the wallet
    And the wallet retries on its schedule until its last attempt
    Then the wallet's notification attempts ended "HTTP_500, HTTP_500, HTTP_500, HTTP_500, HTTP_500, HTTP_500, HTTP_500, HTTP_500"
    And the wallet makes no further notification attempt
    And the merchant's order is "PENDING"
    When the mini program tells the merchant the result code was 9000
    Then the merchant answers that the order is "PAID"

  @merchant @wallet-mock @REQ-NTF-003 @step-17 @step-18
  Scenario: A FAIL notification after SUCCESS does not undo the payment
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    When the payer confirms the payment in the wallet
    Then the merchant's order becomes "PAID"
    When the wallet sends the merchant a "FAIL" notification
    Then the merchant's order is "PAID"
    And the merchant's order shows "10.00 USD" paid
    And the wallet reports the payment as "SUCCESS" for "10.00 USD"

  @merchant @wallet-mock @REQ-NTF-004 @step-17 @step-18 @step-19
  Scenario: A notification that arrives after the merchant asked the wallet changes nothing
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    When the payer confirms the payment in the wallet
    Then the merchant's order is "PENDING"
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "PAID"
    When the wallet delivers the held notifications
    Then the merchant acknowledges every delivery
    And the merchant's order is "PAID"
    And the merchant's order shows "10.00 USD" paid

  @merchant @wallet-mock @REQ-NTF-005 @step-17 @step-18 @step-19
  Scenario Outline: Without any notification the merchant learns the payment from the wallet after result code <code>
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    When the payer confirms the payment in the wallet
    Then the merchant's order is "PENDING"
    When the mini program tells the merchant the result code was <code>
    Then the merchant answers that the order is "PAID"
    And the merchant's order shows "10.00 USD" paid

    Examples:
      | code |
      | 9000 |
      | 6004 |
      | 6002 |
      | 8000 |

  @merchant @wallet-mock @REQ-NTF-005 @step-17 @step-18 @step-19
  Scenario: Without any notification the merchant learns the payment failed from the wallet
    Given the merchant has created an order for "10.00 USD" paid by tradeNO
    And the wallet holds back the payment's notifications
    When the payer's wallet declines the payment
    Then the merchant's order is "PENDING"
    When the mini program passes the result code to the merchant
    Then the merchant answers that the order is "FAILED"
