def call(boolean release = false) {
    if (release) {
        pipeline {
            agent any
            stages {
                stage('release') {
                    steps {
                        echo 'releasing'
                    }
                }
            }
        }
    }
}
