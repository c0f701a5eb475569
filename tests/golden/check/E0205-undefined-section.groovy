pipeline {
    agent any
    stagse {
        stage('a') {
            steps {
                echo 'a'
            }
        }
    }
}
